"""sparkplane's pre-initialized ("warm") PySpark driver.

The server starts this as `python warm_driver.py <spark-submit options>` in the
warm driver's own directory, stdin and stdout connected to the server, stderr to
the warm-up log. It starts the JVM and the SparkSession, says so on stdout, then
reads one JSON request from stdin and runs that job's entry point in this
interpreter, so the job's `SparkSession.builder.getOrCreate()` returns the
session that is already up, with the job's own session SQL properties set (a
job with a static one is declined, starts cold, and this driver waits for
the next request). The process exits with the job's exit code: one warm
driver runs one job. A request with `connect` instead of an entry point
makes it an interactive session's engine (Spark Connect in this JVM) until
the server stops it.

Output. The JVM writes into two pipes that threads here relay: its stdout to our
fd 1, its stderr to an fd of its own. Pointing those fds at the job's files at
hand-over therefore redirects the JVM too, which a dup2 alone could not (the JVM
keeps the fds it got when it started). As with a cold spark-submit, where
PySpark's PythonRunner merges the Python process's stderr into its stdout,
Python's stdout and stderr go to the job's stdout file and the JVM's stderr
(log4j) to the job's stderr file.
"""

import atexit
import json
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
import traceback
import urllib.parse

READY = "SPARKPLANE-WARM-READY"
STARTED = "SPARKPLANE-WARM-STARTED"
DECLINED = "SPARKPLANE-WARM-DECLINED"
UI_PORT_MARKER = "Spark UI on port "
ISOLATION_KEYS = ("spark.sql.artifact.isolation.enabled", "spark.sql.artifact.isolation.alwaysApplyClassloader")
# Bounds on waiting for the JVM to exit and for the relays to drain.
JVM_EXIT_TIMEOUT = 60
RELAY_JOIN_TIMEOUT = 10

_SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
_state = {"code": 1, "relays": [], "finishing": False, "warehouse": "spark-warehouse"}

# The server's end of the control channel; fd 1 itself goes to the warm-up log
# (fd 2) until a job takes over. Both dups are non-inheritable.
_control = os.dup(1)
os.dup2(2, 1)
_jvm_err = os.dup(2)


def _say(line):
    os.write(_control, (line + "\n").encode())


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        try:
            written = os.write(fd, view)
        except OSError:
            return  # nowhere to write to any more: drop the output
        view = view[written:]


def _relay(source, target):
    """Copies `source` to whatever fd number `target` refers to at the time."""
    while True:
        try:
            data = os.read(source, 65536)
        except OSError:
            break
        if not data:
            break
        _write_all(target, data)
    os.close(source)


def _gateway_process():
    context = sys.modules.get("pyspark.context")
    gateway = context.SparkContext._gateway if context is not None else None
    return getattr(gateway, "proc", None)


def _stop_jvm(stop_context):
    """Stops the SparkContext (if asked and still up), then the gateway JVM, and
    waits for it, so that its last output reaches the pipes."""
    if stop_context:
        context = sys.modules.get("pyspark.context")
        active = context.SparkContext._active_spark_context if context is not None else None
        if active is not None:
            try:
                active.stop()
            except Exception as err:  # the job may have broken the gateway
                print("sparkplane: stopping the SparkContext failed: %s" % err, file=sys.stderr)
    proc = _gateway_process()
    if proc is None:
        return
    try:
        proc.stdin.close()  # PythonGatewayServer exits at EOF on its stdin
    except OSError:
        pass
    try:
        proc.wait(timeout=JVM_EXIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _drain_relays():
    for relay in _state["relays"]:
        relay.join(RELAY_JOIN_TIMEOUT)


def _flush():
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except Exception:
            pass


def _finish():
    """Registered first, so it runs last at interpreter exit: after the job's
    non-daemon threads ended and its own atexit handlers ran."""
    _state["finishing"] = True
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _flush()
    _stop_jvm(stop_context=True)
    _flush()
    _drain_relays()
    os._exit(_state["code"] & 0xFF)


def _on_sigterm(signum, frame):
    """Cancel or stop: the whole group got SIGTERM. Let the JVM run its shutdown
    hooks (last log lines, temp dirs) as it would in a cold attempt, then die by
    the signal."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if not _state["finishing"]:
        _state["finishing"] = True
        _flush()
        _stop_jvm(stop_context=False)
        _drain_relays()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


def _start_session(options):
    os.environ["PYSPARK_SUBMIT_ARGS"] = shlex.join(list(options) + ["pyspark-shell"])
    from pyspark import SparkContext
    from pyspark.java_gateway import launch_gateway
    from pyspark.sql import SparkSession

    out_read, out_write = os.pipe()
    err_read, err_write = os.pipe()
    for source, target in ((out_read, 1), (err_read, _jvm_err)):
        relay = threading.Thread(target=_relay, args=(source, target), name="sparkplane-relay", daemon=True)
        relay.start()
        _state["relays"].append(relay)
    try:
        gateway = launch_gateway(popen_kwargs={"stdout": out_write, "stderr": err_write})
    finally:
        os.close(out_write)
        os.close(err_write)
    del os.environ["PYSPARK_SUBMIT_ARGS"]
    context = SparkContext(gateway=gateway)
    session = SparkSession.builder.getOrCreate()
    # The gateway JVM counts as a shell, and Spark filters a shell's console
    # logging to WARN; a cold spark-submit logs at the configured root level.
    root = context._jvm.org.apache.logging.log4j.LogManager.getRootLogger().getLevel().toString()
    context.setLogLevel(root)
    # A job's first query spends seconds loading and compiling Spark SQL: do
    # that now. The session takes its warehouse path from the warm driver's
    # directory here; hand-over moves it to the job's (the catalog that
    # creates the warehouse is still lazy then).
    _state["warehouse"] = context.getConf().get("spark.sql.warehouse.dir", "spark-warehouse")
    session.range(16).count()
    session.sql("SELECT k, sum(v) FROM (SELECT id % 4 AS k, id AS v FROM range(16)) GROUP BY k").collect()
    _warm_connect(session)
    # Let Spark's cleaner drop the warm-up's broadcasts now, so that its log
    # lines land in the warm-up log rather than the job's.
    context._jvm.System.gc()
    # The UI's port as bound (the one asked for may have been taken since);
    # the server reads it from this line for the run's dashboard. Spark's own
    # INFO line about it is filtered from a shell's console.
    ui = urllib.parse.urlparse(context.uiWebUrl).port if context.uiWebUrl else None
    print("sparkplane warm driver: SparkSession up, master %s, %s%s"
          % (context.master, UI_PORT_MARKER, ui if ui else "none"), flush=True)
    return session


# Classes a Spark Connect server's first call loads (planner, execution,
# Arrow results), for drivers that may become a session's engine.
_CONNECT_CLASSES = (
    "org.apache.spark.sql.connect.service.SparkConnectService",
    "org.apache.spark.sql.connect.service.SparkConnectExecutePlanHandler",
    "org.apache.spark.sql.connect.service.SessionHolder",
    "org.apache.spark.sql.connect.execution.SparkConnectPlanExecution",
    "org.apache.spark.sql.connect.planner.SparkConnectPlanner",
    "org.apache.spark.sql.connect.common.DataTypeProtoConverter",
)


def _warm_connect(session):
    """On a runtime with Spark Connect (Spark 4), loads what its first call
    needs: its classes, and Arrow result batches, which a session's every
    result travels in. Best effort: a driver without them still serves."""
    jvm = session.sparkContext._jvm
    loader = jvm.java.lang.Thread.currentThread().getContextClassLoader()
    try:
        for name in _CONNECT_CLASSES:
            jvm.java.lang.Class.forName(name, True, loader)
    except Exception:
        return  # no Spark Connect here (Spark 3): nothing to warm
    try:
        session.range(16).toArrow()
    except Exception as err:
        print("sparkplane warm driver: Arrow warm-up skipped: %s" % err, flush=True)
    try:
        _warm_connect_call(session)
    except Exception as err:
        print("sparkplane warm driver: Spark Connect warm-up skipped: %s" % err, flush=True)


def _warm_connect_call(session):
    """One real call through Spark Connect, so a session's first call finds
    the service's whole path warm (a client's new session, planning, Arrow
    results: about 1 s the first time in a JVM, 0.2 s after). The service
    runs on a loopback port with a random token only this process knows,
    and is stopped again (Spark starts it anew at hand-over)."""
    import secrets
    import socket

    import grpc
    from pyspark.sql.connect.client import ChannelBuilder
    from pyspark.sql.connect.session import SparkSession as ConnectSession

    class Loopback(ChannelBuilder):
        """Plaintext on loopback with the token (PySpark's own builder sends
        a token only over TLS)."""

        def __init__(self, port, token):
            super().__init__()
            self._port, self._token = port, token

        @property
        def endpoint(self):
            return "127.0.0.1:%d" % self._port

        def toChannel(self):
            return grpc.insecure_channel(self.endpoint)

        def metadata(self):
            return [("authorization", "Bearer " + self._token)]

    context = session.sparkContext
    jvm = context._jvm
    conf = context._jsc.sc().conf()
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    token = secrets.token_hex(32)
    keys = ("spark.connect.grpc.binding.address", "spark.connect.grpc.binding.port", "spark.connect.authenticate.token")
    for key, value in zip(keys, ("127.0.0.1", str(port), token)):
        conf.set(key, value)
    service = jvm.org.apache.spark.sql.connect.service.SparkConnectService
    try:
        service.start(context._jsc.sc())
        # Spark moves to the next port if ours was taken since: then the
        # listener on ours is someone else's, who must never get the token.
        module = jvm.java.lang.Class.forName("org.apache.spark.sql.connect.service.SparkConnectService$")
        bound = module.getField("MODULE$").get(None).localPort()
        if bound != port:
            raise RuntimeError("port %d was taken; Spark Connect bound %d" % (port, bound))
        client = ConnectSession.builder.channelBuilder(Loopback(port, token)).create()
        try:
            client.range(1000).count()
        finally:
            client.stop()
    finally:
        try:
            service.stop(jvm.scala.Option.empty(), jvm.scala.Option.empty())
        except Exception as err:  # it never started
            print("sparkplane warm driver: stop the warm-up's Spark Connect: %s" % err, flush=True)
        finally:
            # The token must not stay in the conf a job or session reads.
            for key in keys:
                conf.remove(key)


def _take_request(request):
    """Points every output at the job's files and confirms the hand-over."""
    job_out = os.open(request["stdout"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    job_err = os.open(request["stderr"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    _flush()
    os.dup2(job_out, 1)
    os.dup2(job_out, 2)
    os.dup2(job_err, _jvm_err)
    os.close(job_out)
    os.close(job_err)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    _say(STARTED)
    os.close(_control)


def _prepare_job(session, request):
    """Gives the job the working directory, warehouse and Hadoop settings of a
    cold launch in its work dir."""
    cwd = request["cwd"]
    os.chdir(cwd)
    context = session.sparkContext
    jvm = context._jvm
    hadoop = context._jsc.hadoopConfiguration()
    # DataFrame reads take their Hadoop settings from the shared state's copy,
    # made during the warm-up: both get the job's.
    shared_hadoop = session._jsparkSession.sharedState().hadoopConf()
    for key, value in request.get("hadoop_conf", {}).items():
        hadoop.set(key, value)
        shared_hadoop.set(key, value)
    # The JVM's own working directory stays the warm driver's; relative Spark
    # paths resolve against the local filesystem's working directory instead.
    local = jvm.org.apache.hadoop.fs.FileSystem.getLocal(hadoop)
    local.setWorkingDirectory(jvm.org.apache.hadoop.fs.Path(jvm.java.io.File(cwd).toURI()))
    shared_state = jvm.org.apache.spark.sql.internal.SharedState
    warehouse = shared_state.qualifyWarehousePath(hadoop, _state["warehouse"])
    shared_state.setWarehousePathConf(context._jsc.sc().conf(), hadoop, warehouse)
    shared = session._jsparkSession.sharedState()
    shared_state.setWarehousePathConf(shared.conf(), shared.hadoopConf(), warehouse)
    session._jsparkSession.sessionState().conf().setConfString("spark.sql.warehouse.dir", warehouse)


def _exit_code(code):
    """What the interpreter would exit with for `SystemExit(code)`."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _job_frames(tb, entry):
    """The traceback from the job's first frame on, as `python entry` shows it."""
    start = tb
    while start is not None and start.tb_frame.f_code.co_filename != entry:
        start = start.tb_next
    return start if start is not None else tb


def _run_job(entry, args):
    import runpy

    sys.argv = [entry] + list(args)
    # `python entry` puts the entry's (resolved) directory first, not ours.
    own = os.path.realpath(_SCRIPT_DIR)
    rest = [path for path in sys.path if not (path and os.path.realpath(path) == own)]
    sys.path[:] = [os.path.dirname(os.path.realpath(entry))] + rest
    try:
        runpy.run_path(entry, run_name="__main__")
        return 0
    except SystemExit as exit:
        return _exit_code(exit.code)
    except BaseException:
        kind, value, tb = sys.exc_info()
        tb = _job_frames(tb, entry)
        # The hook prints the exception's own traceback, so trim that one.
        sys.excepthook(kind, value.with_traceback(tb), tb)
        return 1


def _apply_sql_conf(session, sql_conf):
    """Sets the job's session SQL properties; returns the ones a running
    session cannot take (static or unknown to Spark), changing nothing then."""
    static = [key for key in sql_conf if not session.conf.isModifiable(key)]
    if static:
        return static
    for key, value in sql_conf.items():
        if value is None:
            session.conf.unset(key)
        else:
            session.conf.set(key, value)
    return []


def _serve_connect(session, connect):
    """Becomes an interactive session's engine: Spark's Connect service in
    this JVM, on the loopback port the server picked, requiring the secret
    that only the server knows (it came over stdin, never a command line or
    file), until the server stops the process group."""
    context = session.sparkContext
    conf = context._jsc.sc().conf()  # SparkEnv's own, which the service reads
    conf.set("spark.connect.grpc.binding.address", "127.0.0.1")
    conf.set("spark.connect.grpc.binding.port", str(connect["port"]))
    conf.set("spark.connect.authenticate.token", connect["token"])
    # What Spark's own Connect server sets for every client's session: each
    # client's artifacts (jars, Python files) in a class loader of its own.
    # Clients get new sessions, whose settings come from the shared state.
    shared = session._jsparkSession.sharedState().conf()
    for key in ISOLATION_KEYS:
        shared.set(key, "true")
    context._jvm.org.apache.spark.sql.connect.service.SparkConnectService.start(context._jsc.sc())
    print("sparkplane: this pre-initialized driver serves the session on port %d" % connect["port"], flush=True)
    # Until the server stops the group (SIGTERM), or the JVM dies under it:
    # then this exits, and the server fails the session as it would a cold
    # engine that died.
    jvm = _gateway_process()
    while jvm is not None and _alive(jvm.pid):
        time.sleep(1)
    print("sparkplane: the session's JVM exited", file=sys.stderr, flush=True)
    return 1


def _alive(pid):
    """Whether child `pid` runs (not a zombie). Read from /proc rather than
    Popen.poll, whose lock the SIGTERM handler's wait may need."""
    try:
        with open("/proc/%d/stat" % pid) as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def main(options):
    session = _start_session(options)
    _say(READY)
    while True:
        line = sys.stdin.buffer.readline()
        if not line.strip():
            return 0  # the server went away before handing over a job
        request = json.loads(line)
        static = _apply_sql_conf(session, request.get("sql_conf", {}))
        if not static:
            break
        # A cold launch would start with these; this session cannot take
        # them. The server starts that job cold; this driver waits for another.
        _say("%s %s cannot be changed in a running session" % (DECLINED, ", ".join(static)))
    _take_request(request)
    _prepare_job(session, request)
    if "connect" in request:
        return _serve_connect(session, request["connect"])
    return _run_job(request["entry"], request["args"])


atexit.register(_finish)
signal.signal(signal.SIGTERM, _on_sigterm)
try:
    _state["code"] = main(sys.argv[1:])
except BaseException:
    traceback.print_exc()
    _state["code"] = 1
