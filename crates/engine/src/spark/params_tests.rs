//! Exhaustive tests of the `sparkSubmitParameters` parser: the string is
//! untrusted, user-written input, so every accepted and rejected shape is
//! pinned down here.

use super::*;

fn words(s: &str) -> Vec<String> {
    match split_words(s) {
        Ok(w) => w,
        Err(e) => panic!("split_words({s:?}) failed: {e}"),
    }
}

fn parse(s: &str) -> SparkSubmitParams {
    match parse_spark_submit_parameters(s) {
        Ok(p) => p,
        Err(e) => panic!("parse({s:?}) failed: {e}"),
    }
}

fn parse_err(s: &str) -> ParamError {
    match parse_spark_submit_parameters(s) {
        Ok(p) => panic!("parse({s:?}) unexpectedly succeeded: {p:?}"),
        Err(e) => e,
    }
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

// ---- split_words ----------------------------------------------------------

/// Asserts each input splits into exactly the expected words.
fn check_words(cases: &[(&str, &[&str])]) {
    for (input, expected) in cases {
        assert_eq!(words(input), *expected, "{input:?}");
    }
}

#[test]
fn splits_on_any_ascii_whitespace() {
    check_words(&[
        ("a b\tc\nd\r\ne  \t\n f", &["a", "b", "c", "d", "e", "f"]),
        ("", &[]),
        (" \t\n ", &[]),
        ("\n--conf\ta=b\n", &["--conf", "a=b"]),
    ]);
}

#[test]
fn single_quotes_are_literal() {
    check_words(&[
        (r#"'a b' 'c\"d' '$X' 'e\'"#, &["a b", r#"c\"d"#, "$X", r"e\"]),
        ("'tab\there\nnewline'", &["tab\there\nnewline"]),
    ]);
}

#[test]
fn double_quotes_honour_posix_escapes_only() {
    check_words(&[
        (r#""a \" b""#, &[r#"a " b"#]),
        (r#""\\ \$ \`""#, &[r"\ $ `"]),
        // Other backslashes are kept, as a shell keeps them.
        (r#""C:\path\n""#, &[r"C:\path\n"]),
        (r#""it's""#, &["it's"]),
        ("\"a\tb\nc\"", &["a\tb\nc"]),
    ]);
}

#[test]
fn backslash_outside_quotes_escapes_next_char() {
    check_words(&[(r#"a\ b c\'d \" \\"#, &["a b", "c'd", "\"", "\\"]), (r"\$HOME", &["$HOME"])]);
}

#[test]
fn backslash_newline_is_a_line_continuation() {
    check_words(&[
        ("--conf a=b \\\n  --conf c=d \\\r\n --jars x", &["--conf", "a=b", "--conf", "c=d", "--jars", "x"]),
        ("ab\\\ncd", &["abcd"]),
        ("\"ab\\\ncd\"", &["abcd"]),
        ("\"ab\\\r\ncd\"", &["abcd"]),
    ]);
}

#[test]
fn adjacent_pieces_join() {
    check_words(&[
        (r#"--conf "spark.x='a b'""#, &["--conf", "spark.x='a b'"]),
        (r#"a'b c'"d e"f"#, &["ab cd ef"]),
        (r#"spark.x="a b""#, &["spark.x=a b"]),
    ]);
}

#[test]
fn empty_quotes_make_empty_words() {
    check_words(&[(r#""""#, &[""]), ("''", &[""]), (r#"a "" b '' c"#, &["a", "", "b", "", "c"]), (r#"x""y"#, &["xy"])]);
}

#[test]
fn no_shell_expansion_comments_or_unicode_mangling() {
    check_words(&[
        ("$HOME `id` $(id) * #c", &["$HOME", "`id`", "$(id)", "*", "#c"]),
        ("--name 'été 日本' ü", &["--name", "été 日本", "ü"]),
    ]);
}

#[test]
fn unterminated_quotes_are_errors() {
    let cases = [
        ("a 'bc", '\'', 2),
        ("\"bc", '"', 0),
        // An escaped closing quote does not close the string.
        (r#"x "a\""#, '"', 2),
        (r#""a\"#, '"', 0),
        ("\"'", '"', 0),
        ("'\"", '\'', 0),
    ];
    for (input, quote, offset) in cases {
        let expected = ParamError::UnterminatedQuote { quote, offset };
        assert_eq!(split_words(input), Err(expected.clone()), "{input:?}");
        // The same errors surface from the parser.
        assert_eq!(parse_err(input), expected, "{input:?}");
    }
    let msg = parse_err("--conf 'a=b").to_string();
    assert_eq!(msg, "unterminated ' quote opened at byte 7 in sparkSubmitParameters");
}

#[test]
fn trailing_backslash_is_an_error() {
    assert_eq!(split_words(r"abc\"), Err(ParamError::TrailingBackslash));
    assert_eq!(parse_err(r"--conf a=b \"), ParamError::TrailingBackslash);
}

// ---- options --------------------------------------------------------------

#[test]
fn empty_and_blank_input_give_defaults() {
    assert_eq!(parse(""), SparkSubmitParams::default());
    assert_eq!(parse("  \n\t "), SparkSubmitParams::default());
}

#[test]
fn conf_in_all_forms() {
    for s in ["--conf a.b=c", "--conf=a.b=c", "-c a.b=c", "--conf 'a.b=c'", "--conf \"a.b\"=c"] {
        assert_eq!(parse(s).conf, pairs(&[("a.b", "c")]), "{s}");
    }
    // Only the first '=' separates key from value.
    assert_eq!(parse("--conf a=b=c").conf, pairs(&[("a", "b=c")]));
    assert_eq!(parse("--conf=a=b=c").conf, pairs(&[("a", "b=c")]));
    assert_eq!(parse("--conf a=").conf, pairs(&[("a", "")]));
    assert_eq!(
        parse(r#"--conf "spark.driver.extraJavaOptions=-Dx=1 -Dy='2 3'""#).conf,
        pairs(&[("spark.driver.extraJavaOptions", "-Dx=1 -Dy='2 3'")])
    );
}

#[test]
fn repeated_conf_keeps_every_entry_in_order() {
    let p = parse("--conf a=1 --conf b=2 --conf a=3");
    assert_eq!(p.conf, pairs(&[("a", "1"), ("b", "2"), ("a", "3")]));
}

#[test]
fn single_valued_flags_in_both_forms() {
    type Get = Option<fn(&SparkSubmitParams) -> &Option<String>>;
    let cases: [(&str, Option<&str>, Get); 13] = [
        ("--driver-memory", Some("spark.driver.memory"), None),
        ("--driver-cores", Some("spark.driver.cores"), None),
        ("--executor-memory", Some("spark.executor.memory"), None),
        ("--executor-cores", Some("spark.executor.cores"), None),
        ("--num-executors", Some("spark.executor.instances"), None),
        ("--total-executor-cores", Some("spark.cores.max"), None),
        ("--class", None, Some(|p| &p.class)),
        ("--name", Some("spark.app.name"), Some(|p| &p.name)),
        ("--properties-file", None, Some(|p| &p.properties_file)),
        ("--driver-java-options", Some("spark.driver.extraJavaOptions"), Some(|p| &p.driver_java_options)),
        ("--driver-library-path", Some("spark.driver.extraLibraryPath"), Some(|p| &p.driver_library_path)),
        ("--driver-class-path", Some("spark.driver.extraClassPath"), Some(|p| &p.driver_class_path)),
        ("--proxy-user", None, Some(|p| &p.proxy_user)),
    ];
    for (flag, key, get) in cases {
        let with_key =
            |v: &str| -> Vec<(String, String)> { key.map(|k| (k.to_string(), v.to_string())).into_iter().collect() };
        for s in [format!("{flag} 'v a=l'"), format!("{flag}='v a=l'")] {
            let p = parse(&s);
            assert_eq!(p.conf, with_key("v a=l"), "{s}");
            if let Some(get) = get {
                assert_eq!(get(&p).as_deref(), Some("v a=l"), "{s}");
            }
            // Nothing else is touched.
            let cleared = SparkSubmitParams { conf: Vec::new(), ..p.clone() };
            let expected_rest = get.map_or(0, |_| 1);
            let set = [&cleared.class, &cleared.name, &cleared.properties_file]
                .into_iter()
                .chain([&cleared.driver_java_options, &cleared.driver_library_path])
                .chain([&cleared.driver_class_path, &cleared.proxy_user])
                .filter(|f| f.is_some())
                .count();
            assert_eq!(set, expected_rest, "{s}");
        }
        // Repeating a single-valued flag: the last value wins, both are recorded.
        let p = parse(&format!("{flag} one {flag}=two"));
        if let Some(get) = get {
            assert_eq!(get(&p).as_deref(), Some("two"), "{flag}");
        }
        let both: Vec<_> = with_key("one").into_iter().chain(with_key("two")).collect();
        assert_eq!(p.conf, both, "{flag}");
    }
}

#[test]
fn values_may_start_with_a_dash() {
    let p = parse("--driver-java-options -Dlog4j.configuration=x --name -weird");
    assert_eq!(p.driver_java_options.as_deref(), Some("-Dlog4j.configuration=x"));
    assert_eq!(p.name.as_deref(), Some("-weird"));
    let p = parse("--driver-java-options '--add-opens=java.base/java.nio=ALL-UNNAMED -Dx=1'");
    assert_eq!(p.driver_java_options.as_deref(), Some("--add-opens=java.base/java.nio=ALL-UNNAMED -Dx=1"));
    let p = parse("--driver-java-options --add-opens=java.base/java.lang=ALL-UNNAMED");
    assert_eq!(p.driver_java_options.as_deref(), Some("--add-opens=java.base/java.lang=ALL-UNNAMED"));
}

#[test]
fn empty_values_are_values() {
    let p = parse(r#"--name "" --class=''"#);
    assert_eq!(p.name.as_deref(), Some(""));
    assert_eq!(p.class.as_deref(), Some(""));
    assert_eq!(p.conf, pairs(&[("spark.app.name", "")]));
}

#[test]
fn list_flags_in_both_forms() {
    type Get = fn(&SparkSubmitParams) -> &Vec<String>;
    let cases: [(&str, &str, Get); 7] = [
        ("--jars", "spark.jars", |p| &p.jars),
        ("--py-files", "spark.submit.pyFiles", |p| &p.py_files),
        ("--files", "spark.files", |p| &p.files),
        ("--archives", "spark.archives", |p| &p.archives),
        ("--packages", "spark.jars.packages", |p| &p.packages),
        ("--repositories", "spark.jars.repositories", |p| &p.repositories),
        ("--exclude-packages", "spark.jars.excludes", |p| &p.exclude_packages),
    ];
    for (flag, key, get) in cases {
        for s in [format!("{flag} a,b"), format!("{flag}=a,b"), format!("{flag} 'a, b'")] {
            let p = parse(&s);
            assert_eq!(get(&p), &strings(&["a", "b"]), "{s}");
            assert_eq!(p.conf, pairs(&[(key, "a,b")]), "{s}");
        }
        // Repetition appends; the conf entry carries the accumulated list so
        // a later-wins merge ends with all of it.
        let p = parse(&format!("{flag} a {flag}=b,c"));
        assert_eq!(get(&p), &strings(&["a", "b", "c"]), "{flag}");
        assert_eq!(p.conf, pairs(&[(key, "a"), (key, "a,b,c")]), "{flag}");
    }
}

#[test]
fn list_items_empty_ones_dropped() {
    let p = parse("--jars ',a.jar,,b.jar, ,'");
    assert_eq!(p.jars, strings(&["a.jar", "b.jar"]));
    assert_eq!(p.conf, pairs(&[("spark.jars", "a.jar,b.jar")]));
    let p = parse("--files ''");
    assert!(p.files.is_empty());
    assert_eq!(p.conf, pairs(&[("spark.files", "")]));
    let p = parse("--py-files=,");
    assert!(p.py_files.is_empty());
}

#[test]
fn archives_keep_alias() {
    let p = parse("--archives s3://b/env.tar.gz#environment,s3://b/other.zip");
    assert_eq!(p.archives, strings(&["s3://b/env.tar.gz#environment", "s3://b/other.zip"]));
    assert_eq!(archive_alias(&p.archives[0]), ("s3://b/env.tar.gz", Some("environment")));
    assert_eq!(archive_alias(&p.archives[1]), ("s3://b/other.zip", None));
    assert_eq!(archive_alias("x.tgz#"), ("x.tgz", None));
    assert_eq!(archive_alias("x.tgz#a#b"), ("x.tgz", Some("a#b")));
    assert_eq!(archive_alias(""), ("", None));
}

#[test]
fn verbose_is_ignored() {
    assert_eq!(parse("--verbose -v --conf a=b -v"), parse("--conf a=b"));
}

#[test]
fn conf_and_flags_keep_relative_order() {
    let p = parse("--conf spark.driver.memory=1g --driver-memory 2g --conf spark.driver.memory=3g --name n");
    assert_eq!(
        p.conf,
        pairs(&[
            ("spark.driver.memory", "1g"),
            ("spark.driver.memory", "2g"),
            ("spark.driver.memory", "3g"),
            ("spark.app.name", "n"),
        ])
    );
}

// ---- rejections -----------------------------------------------------------

/// Every flag that takes a value, for tables below.
const VALUE_FLAGS: &str = "--conf -c --driver-memory --driver-cores --executor-memory \
    --executor-cores --num-executors --total-executor-cores --class --name --properties-file \
    --driver-java-options --driver-library-path --driver-class-path --proxy-user --jars \
    --py-files --files --archives --packages --repositories --exclude-packages";

/// Asserts each input fails with `make(detail)`.
fn check_errs(make: fn(String) -> ParamError, cases: &[(&str, &str)]) {
    for (input, detail) in cases {
        assert_eq!(parse_err(input), make(detail.to_string()), "{input:?}");
    }
}

#[test]
fn missing_values_at_end() {
    for flag in VALUE_FLAGS.split_whitespace() {
        let expected = ParamError::MissingValue { option: flag.into() };
        for s in [flag.to_string(), format!("--conf a=b {flag}"), format!("{flag} \n\t")] {
            assert_eq!(parse_err(&s), expected, "{s:?}");
        }
    }
    let msg = parse_err("--jars").to_string();
    assert_eq!(msg, "--jars requires a value in sparkSubmitParameters");
}

#[test]
fn missing_value_when_next_word_is_an_option() {
    check_errs(
        |option| ParamError::MissingValue { option },
        &[
            ("--driver-memory --conf a=b", "--driver-memory"),
            ("--jars --verbose", "--jars"),
            ("--name -v", "--name"),
            ("--class --master=x", "--class"),
            ("--conf -c a=b", "--conf"),
        ],
    );
}

#[test]
fn not_allowed_options() {
    let flags = "--master --deploy-mode --supervise --kill --status --queue --principal \
                 --keytab --remote";
    for flag in flags.split_whitespace() {
        let expected = ParamError::NotAllowed { option: flag.into() };
        let forms = [format!("{flag} x"), format!("{flag}=x"), format!("--conf a=b {flag}")];
        for s in forms {
            assert_eq!(parse_err(&s), expected, "{s}");
        }
    }
    assert_eq!(
        parse_err("--master yarn").to_string(),
        "--master is managed by sparkplane and cannot be set in sparkSubmitParameters"
    );
}

#[test]
fn unsupported_options() {
    for flag in ["--help", "-h", "--version", "--usage-error"] {
        let expected = ParamError::Unsupported { option: flag.into() };
        assert_eq!(parse_err(flag), expected, "{flag}");
    }
}

#[test]
fn unknown_options() {
    check_errs(
        |option| ParamError::UnknownOption { option },
        &[
            ("--bogus", "--bogus"),
            ("--bogus=1", "--bogus"),
            ("--conf a=b -x", "-x"),
            ("-c=a=b", "-c=a=b"),
            ("--", "--"),
            ("--CONF a=b", "--CONF"),
            ("--driver_memory 1g", "--driver_memory"),
        ],
    );
    let msg = parse_err("--bogus").to_string();
    assert_eq!(msg, "unknown option '--bogus' in sparkSubmitParameters");
}

#[test]
fn positional_words_are_rejected() {
    check_errs(
        |arg| ParamError::UnexpectedArgument { arg },
        &[
            ("main.py", "main.py"),
            ("--conf a=b s3://b/main.py arg1", "s3://b/main.py"),
            ("--conf a=b c=d", "c=d"),
            ("--verbose 'x y'", "x y"),
            ("--name n \"\"", ""),
            ("-", "-"),
        ],
    );
    let msg = parse_err("x").to_string();
    assert_eq!(
        msg,
        "unexpected argument 'x' in sparkSubmitParameters: the entry point and its arguments go \
         in entryPoint and entryPointArguments"
    );
}

#[test]
fn bad_conf_values() {
    check_errs(
        |value| ParamError::BadConf { value },
        &[("--conf novalue", "novalue"), ("--conf =v", "=v"), ("--conf=", ""), ("-c x", "x")],
    );
    let msg = parse_err("--conf oops").to_string();
    assert_eq!(msg, "--conf expects key=value, got 'oops'");
}

#[test]
fn switches_take_no_value() {
    let option = "--verbose".to_string();
    assert_eq!(parse_err("--verbose=true"), ParamError::UnexpectedValue { option });
}

// ---- realistic input ------------------------------------------------------

#[test]
fn realistic_emr_example() {
    let s = "--conf spark.executor.cores=1 --conf spark.executor.memory=4g --conf spark.driver.cores=1 \
             --conf spark.driver.memory=4g --conf spark.executor.instances=1 \
             --conf spark.archives=s3://b/env.tar.gz#environment \
             --conf spark.emr-serverless.driverEnv.PYSPARK_DRIVER_PYTHON=./environment/bin/python";
    let p = parse(s);
    assert_eq!(
        p,
        SparkSubmitParams {
            conf: pairs(&[
                ("spark.executor.cores", "1"),
                ("spark.executor.memory", "4g"),
                ("spark.driver.cores", "1"),
                ("spark.driver.memory", "4g"),
                ("spark.executor.instances", "1"),
                ("spark.archives", "s3://b/env.tar.gz#environment"),
                ("spark.emr-serverless.driverEnv.PYSPARK_DRIVER_PYTHON", "./environment/bin/python"),
            ]),
            ..Default::default()
        }
    );
}

#[test]
fn realistic_multiline_shell_paste() {
    let s = "--class org.example.Main \\\n  --jars s3://b/a.jar,s3://b/b.jar \\\n  \
             --packages org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.5.0 \\\n  \
             --conf \"spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions\" \\\n  \
             --driver-java-options '-Dfoo=bar -Dbaz=\"q u\"' --verbose";
    let p = parse(s);
    assert_eq!(p.class.as_deref(), Some("org.example.Main"));
    assert_eq!(p.jars, strings(&["s3://b/a.jar", "s3://b/b.jar"]));
    assert_eq!(p.packages, strings(&["org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.5.0"]));
    assert_eq!(p.driver_java_options.as_deref(), Some("-Dfoo=bar -Dbaz=\"q u\""));
    assert_eq!(
        p.conf,
        pairs(&[
            ("spark.jars", "s3://b/a.jar,s3://b/b.jar"),
            ("spark.jars.packages", "org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.5.0"),
            ("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions"),
            ("spark.driver.extraJavaOptions", "-Dfoo=bar -Dbaz=\"q u\""),
        ])
    );
}
