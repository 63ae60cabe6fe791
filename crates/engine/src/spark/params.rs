//! Parsing of EMR Serverless `sparkSubmitParameters`.
//!
//! EMR Serverless takes a job's Spark options as one free-form string
//! (`--conf a=b --jars x,y`) instead of structured fields. Users paste that
//! string from shell scripts, so it has to be split the way a shell would, but
//! it is untrusted input, so sparkplane must never actually hand it to a
//! shell. This module therefore re-implements the small part of POSIX word
//! splitting that matters and spark-submit's option grammar on top of it.
//!
//! Parsing up front (rather than forwarding words verbatim to spark-submit)
//! buys three things: options sparkplane itself controls (`--master`,
//! `--deploy-mode`, ...) are rejected with an API-level validation message
//! instead of a confusing Spark failure minutes later; stray positional words
//! are caught before they silently become the primary resource; and every
//! option that spark-submit would turn into a Spark property is expressed as
//! one, so `conf.rs` can merge it with the application's and job's
//! configuration layers under a single precedence rule.

/// Why a `sparkSubmitParameters` string was rejected. Messages are written
/// for API callers, so they name the offending option.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    #[error("unterminated {quote} quote opened at byte {offset} in sparkSubmitParameters")]
    UnterminatedQuote { quote: char, offset: usize },
    #[error("sparkSubmitParameters ends with a backslash that escapes nothing")]
    TrailingBackslash,
    #[error("{option} requires a value in sparkSubmitParameters")]
    MissingValue { option: String },
    #[error("{option} does not take a value in sparkSubmitParameters")]
    UnexpectedValue { option: String },
    #[error("unknown option '{option}' in sparkSubmitParameters")]
    UnknownOption { option: String },
    #[error(
        "unexpected argument '{arg}' in sparkSubmitParameters: the entry point and its \
         arguments go in entryPoint and entryPointArguments"
    )]
    UnexpectedArgument { arg: String },
    #[error("--conf expects key=value, got '{value}'")]
    BadConf { value: String },
    #[error("{option} is managed by sparkplane and cannot be set in sparkSubmitParameters")]
    NotAllowed { option: String },
    #[error("{option} is not supported in sparkSubmitParameters")]
    Unsupported { option: String },
}

/// The parsed form of `sparkSubmitParameters`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SparkSubmitParams {
    /// `--conf k=v` (also `--conf=k=v`, `-c k=v`) in order, plus the `spark.*`
    /// keys implied by the dedicated flags below, each recorded at the position
    /// its flag appeared. Callers can treat `conf` as the single source of
    /// truth and merge it later-wins.
    ///
    /// List flags (`--jars`, `--packages`, `--repositories`,
    /// `--exclude-packages`, `--files`, `--archives`, `--py-files`) record the
    /// whole list accumulated so far (comma-joined) each time they appear, so a
    /// later-wins merge ends with every item from every repetition. They are
    /// recorded because spark-submit itself turns them into those properties,
    /// and leaving them out would let an application default such as
    /// `spark.jars` beat an explicit `--jars`, contradicting the precedence
    /// EMR documents.
    ///
    /// Deviation from spark-submit, on purpose: spark-submit lets a dedicated
    /// flag beat `--conf` for the same key regardless of order; here the later
    /// of the two wins, which is easier to predict when reading the string.
    pub conf: Vec<(String, String)>,
    /// `--jars a,b`; repeated flags append (spark-submit would keep only the
    /// last), items are trimmed and empty items dropped.
    pub jars: Vec<String>,
    /// `--py-files`.
    pub py_files: Vec<String>,
    /// `--files`.
    pub files: Vec<String>,
    /// `--archives x.tar.gz#alias`; see [`archive_alias`].
    pub archives: Vec<String>,
    /// `--packages` (Maven coordinates).
    pub packages: Vec<String>,
    /// `--repositories`.
    pub repositories: Vec<String>,
    /// `--exclude-packages`.
    pub exclude_packages: Vec<String>,
    /// `--class`.
    pub class: Option<String>,
    /// `--name`; also recorded as `spark.app.name` in `conf`.
    pub name: Option<String>,
    /// `--properties-file`.
    pub properties_file: Option<String>,
    /// `--driver-java-options`; also `spark.driver.extraJavaOptions`.
    pub driver_java_options: Option<String>,
    /// `--driver-library-path`; also `spark.driver.extraLibraryPath`.
    pub driver_library_path: Option<String>,
    /// `--driver-class-path`; also `spark.driver.extraClassPath`.
    pub driver_class_path: Option<String>,
    /// `--proxy-user`.
    pub proxy_user: Option<String>,
}

/// Single-valued flags that have their own field.
#[derive(Clone, Copy)]
enum ScalarField {
    Class,
    Name,
    PropertiesFile,
    DriverJavaOptions,
    DriverLibraryPath,
    DriverClassPath,
    ProxyUser,
}

/// Comma-separated list flags.
#[derive(Clone, Copy)]
enum ListField {
    Jars,
    PyFiles,
    Files,
    Archives,
    Packages,
    Repositories,
    ExcludePackages,
}

/// What an option does. One table (`lookup`) drives parsing, so adding an
/// option cannot leave the parser and the "is this word an option?" check
/// used by missing-value detection out of sync.
#[derive(Clone, Copy)]
enum Opt {
    Conf,
    /// Optional dedicated field and optional implied Spark property.
    Scalar(Option<ScalarField>, Option<&'static str>),
    List(ListField, &'static str),
    /// `--verbose`: only changes spark-submit's logging, which sparkplane
    /// controls, so accepting and dropping it keeps pasted commands working.
    Ignored,
    NotAllowed,
    Unsupported,
}

fn lookup(name: &str) -> Option<Opt> {
    use Opt::*;
    Some(match name {
        "--conf" | "-c" => Conf,
        "--driver-memory" => Scalar(None, Some("spark.driver.memory")),
        "--driver-cores" => Scalar(None, Some("spark.driver.cores")),
        "--executor-memory" => Scalar(None, Some("spark.executor.memory")),
        "--executor-cores" => Scalar(None, Some("spark.executor.cores")),
        "--num-executors" => Scalar(None, Some("spark.executor.instances")),
        "--total-executor-cores" => Scalar(None, Some("spark.cores.max")),
        "--class" => Scalar(Some(ScalarField::Class), None),
        "--name" => Scalar(Some(ScalarField::Name), Some("spark.app.name")),
        "--properties-file" => Scalar(Some(ScalarField::PropertiesFile), None),
        "--driver-java-options" => Scalar(Some(ScalarField::DriverJavaOptions), Some("spark.driver.extraJavaOptions")),
        "--driver-library-path" => Scalar(Some(ScalarField::DriverLibraryPath), Some("spark.driver.extraLibraryPath")),
        "--driver-class-path" => Scalar(Some(ScalarField::DriverClassPath), Some("spark.driver.extraClassPath")),
        "--proxy-user" => Scalar(Some(ScalarField::ProxyUser), None),
        "--jars" => List(ListField::Jars, "spark.jars"),
        "--py-files" => List(ListField::PyFiles, "spark.submit.pyFiles"),
        "--files" => List(ListField::Files, "spark.files"),
        "--archives" => List(ListField::Archives, "spark.archives"),
        "--packages" => List(ListField::Packages, "spark.jars.packages"),
        "--repositories" => List(ListField::Repositories, "spark.jars.repositories"),
        "--exclude-packages" => List(ListField::ExcludePackages, "spark.jars.excludes"),
        "--verbose" | "-v" => Ignored,
        // Where and how the driver runs is sparkplane's decision, as it is
        // EMR's; `--remote` (Spark Connect) would also redirect the master.
        "--master" | "--deploy-mode" | "--supervise" | "--kill" | "--status" | "--queue" | "--principal"
        | "--keytab" | "--remote" => NotAllowed,
        // These make spark-submit print and exit instead of running the job.
        "--help" | "-h" | "--version" | "--usage-error" => Unsupported,
        _ => return None,
    })
}

impl SparkSubmitParams {
    fn scalar_mut(&mut self, s: ScalarField) -> &mut Option<String> {
        match s {
            ScalarField::Class => &mut self.class,
            ScalarField::Name => &mut self.name,
            ScalarField::PropertiesFile => &mut self.properties_file,
            ScalarField::DriverJavaOptions => &mut self.driver_java_options,
            ScalarField::DriverLibraryPath => &mut self.driver_library_path,
            ScalarField::DriverClassPath => &mut self.driver_class_path,
            ScalarField::ProxyUser => &mut self.proxy_user,
        }
    }

    fn list_mut(&mut self, l: ListField) -> &mut Vec<String> {
        match l {
            ListField::Jars => &mut self.jars,
            ListField::PyFiles => &mut self.py_files,
            ListField::Files => &mut self.files,
            ListField::Archives => &mut self.archives,
            ListField::Packages => &mut self.packages,
            ListField::Repositories => &mut self.repositories,
            ListField::ExcludePackages => &mut self.exclude_packages,
        }
    }
}

/// Splits `--opt=value` the way spark-submit does: only for `--` options and
/// at the first `=`, so `--conf=a=b` carries the value `a=b`.
fn split_inline(word: &str) -> (&str, Option<&str>) {
    match word.strip_prefix("--").and_then(|_| word.split_once('=')) {
        Some((name, value)) => (name, Some(value)),
        None => (word, None),
    }
}

/// True when `word` is itself a spark-submit option. Used so that
/// `--driver-memory --conf a=b` reports the missing memory value instead of
/// swallowing `--conf` as the value and then failing on `a=b`. Values that
/// merely start with `-` (`--driver-java-options -Dx=1`) are still accepted.
fn is_option(word: &str) -> bool {
    lookup(split_inline(word).0).is_some()
}

/// Parses `sparkSubmitParameters` with spark-submit's option grammar.
///
/// Both `--opt value` and `--opt=value` are accepted. Options sparkplane
/// manages are rejected with [`ParamError::NotAllowed`]; positional words are
/// rejected because EMR carries the entry point in separate fields.
pub fn parse_spark_submit_parameters(s: &str) -> Result<SparkSubmitParams, ParamError> {
    let mut words = split_words(s)?.into_iter().peekable();
    let mut params = SparkSubmitParams::default();
    while let Some(word) = words.next() {
        let (name, inline) = split_inline(&word);
        let Some(opt) = lookup(name) else {
            // A lone `-` is conventionally a positional (stdin), not an option.
            return Err(if word.starts_with('-') && word != "-" {
                ParamError::UnknownOption { option: name.to_owned() }
            } else {
                ParamError::UnexpectedArgument { arg: word.clone() }
            });
        };
        let option = name.to_owned();
        let inline = inline.map(str::to_owned);
        // Takes the option's value from `--opt=value` or the next word.
        let mut value = || match inline.clone() {
            Some(v) => Ok(v),
            None => words.next_if(|w| !is_option(w)).ok_or_else(|| ParamError::MissingValue { option: option.clone() }),
        };
        match opt {
            Opt::Conf => {
                let pair = value()?;
                let (key, val) = pair
                    .split_once('=')
                    .filter(|(k, _)| !k.is_empty())
                    .ok_or_else(|| ParamError::BadConf { value: pair.clone() })?;
                params.conf.push((key.to_owned(), val.to_owned()));
            }
            Opt::Scalar(field, key) => {
                let v = value()?;
                if let Some(key) = key {
                    params.conf.push((key.to_owned(), v.clone()));
                }
                if let Some(field) = field {
                    *params.scalar_mut(field) = Some(v);
                }
            }
            Opt::List(field, key) => {
                let v = value()?;
                let list = params.list_mut(field);
                list.extend(split_list(&v));
                let joined = list.join(",");
                params.conf.push((key.to_owned(), joined));
            }
            Opt::Ignored if inline.is_some() => {
                return Err(ParamError::UnexpectedValue { option });
            }
            Opt::Ignored => {}
            Opt::NotAllowed => return Err(ParamError::NotAllowed { option }),
            Opt::Unsupported => return Err(ParamError::Unsupported { option }),
        }
    }
    Ok(params)
}

/// Splits a comma-separated option value. Items are trimmed and empty ones
/// dropped so `a, b,,` (common after hand-editing) means `[a, b]` rather than
/// a path with a leading space or an empty path Spark would choke on.
fn split_list(v: &str) -> impl Iterator<Item = String> + '_ {
    v.split(',').map(str::trim).filter(|item| !item.is_empty()).map(str::to_owned)
}

/// Splits an `--archives` entry into its URI and the optional `#alias` that
/// names the directory it is unpacked into. The alias starts at the first `#`,
/// as a URI fragment does; an empty alias (`x.tar.gz#`) counts as none so the
/// caller falls back to the file name like Spark does.
pub fn archive_alias(spec: &str) -> (&str, Option<&str>) {
    match spec.split_once('#') {
        Some((uri, alias)) if !alias.is_empty() => (uri, Some(alias)),
        Some((uri, _)) => (uri, None),
        None => (spec, None),
    }
}

/// POSIX-shell-like word splitting.
///
/// ASCII whitespace (spaces, tabs, newlines) separates words; single quotes
/// are literal; double quotes honour backslash escapes of `\"`, `\\`, `\$` and
/// `` \` `` and keep other backslashes; outside quotes a backslash escapes the
/// next character. Adjacent quoted and unquoted pieces join into one word
/// (`--conf "spark.x='a b'"`), and `""` is an empty word. A backslash before a
/// newline (or CRLF) is a line continuation and vanishes, as in a shell, so
/// multi-line commands pasted from scripts work.
///
/// Deliberately not a shell: no `$VAR` expansion, command substitution,
/// globbing or `#` comments, because the string must mean the same thing no
/// matter what environment the server runs in, and `#` is common inside
/// archive specs.
pub fn split_words(s: &str) -> Result<Vec<String>, ParamError> {
    let mut words = Vec::new();
    let mut cur = String::new();
    // Tracks whether a word has started even if it is still empty, so that
    // `""` yields an empty word rather than nothing.
    let mut in_word = false;
    let mut chars = s.char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        match c {
            c if c.is_ascii_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some((_, '\'')) => break,
                        Some((_, ch)) => cur.push(ch),
                        None => return Err(ParamError::UnterminatedQuote { quote: '\'', offset }),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some((_, '"')) => break,
                        Some((_, '\\')) => {
                            if skip_line_continuation(&mut chars) {
                                continue;
                            }
                            match chars.next_if(|&(_, e)| matches!(e, '"' | '\\' | '$' | '`')) {
                                Some((_, e)) => cur.push(e),
                                None => cur.push('\\'),
                            }
                        }
                        Some((_, ch)) => cur.push(ch),
                        None => return Err(ParamError::UnterminatedQuote { quote: '"', offset }),
                    }
                }
            }
            '\\' => {
                if skip_line_continuation(&mut chars) {
                    continue;
                }
                match chars.next() {
                    Some((_, ch)) => {
                        in_word = true;
                        cur.push(ch);
                    }
                    None => return Err(ParamError::TrailingBackslash),
                }
            }
            ch => {
                in_word = true;
                cur.push(ch);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// After a backslash: consumes `\n` or `\r\n` and reports whether it did.
/// CRLF is accepted because parameters often come from files edited on
/// Windows, where a shell would otherwise see an escaped `\r`.
fn skip_line_continuation(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) -> bool {
    if chars.next_if(|&(_, c)| c == '\n').is_some() {
        return true;
    }
    let mut ahead = chars.clone();
    if ahead.next().map(|(_, c)| c) == Some('\r') && ahead.next().map(|(_, c)| c) == Some('\n') {
        *chars = ahead;
        return true;
    }
    false
}

#[cfg(test)]
#[path = "params_tests.rs"]
mod tests;
