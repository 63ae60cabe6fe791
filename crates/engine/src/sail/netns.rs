//! A network namespace of its own for an engine that checks no secret.
//!
//! The child leaves the server's namespace before it execs
//! ([`isolate_on_exec`]): `unshare(CLONE_NEWNET)` and loopback brought up,
//! so its ports exist only there. The server keeps a handle on that
//! namespace ([`NetNs`]) and opens sockets inside it from a short-lived
//! thread that joins it with `setns`: a socket stays in the namespace it was
//! created in, so the server's tasks use it like any other. Other jobs
//! cannot join it: opening `/proc/<pid>/ns/net` needs ptrace access, which
//! Landlock refuses between sibling sandboxes.
//!
//! Joining a namespace needs CAP_SYS_ADMIN over it and over the server's
//! own, so only a server with that capability (root, as the tests and
//! packaged services run) can isolate an engine this way; without it the
//! engine does not start, with [`NO_NAMESPACE`] as the reason.

use std::fs::File;
use std::io;
use std::net::SocketAddr;
use std::os::fd::AsRawFd;
use std::os::unix::fs::MetadataExt;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::process::Command;

/// Why an engine that needs a namespace of its own could not have one.
pub const NO_NAMESPACE: &str = "the engine needs a network namespace of its own (its port checks no secret), \
     and this server cannot create one: run it as root or with CAP_SYS_ADMIN";

/// How long a connection into the namespace may take (loopback).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Makes the spawned child unshare its network namespace and bring up its
/// loopback before it execs. Register it before the sandbox's own hook: it
/// must run before Landlock and before privileges are dropped.
pub fn isolate_on_exec(command: &mut Command) {
    // SAFETY: the hook makes only raw syscalls (unshare, socket, ioctl,
    // close) on memory it owns; no allocation, no locks.
    unsafe {
        command.pre_exec(|| {
            if libc::unshare(libc::CLONE_NEWNET) != 0 {
                return Err(io::Error::last_os_error());
            }
            loopback_up()
        });
    }
}

/// `ip link set lo up`, with the ioctl it makes, inside the child.
fn loopback_up() -> io::Result<()> {
    // SAFETY: ifreq is plain old data; the name is NUL-terminated within it.
    unsafe {
        let sock = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
        if sock < 0 {
            return Err(io::Error::last_os_error());
        }
        let mut request: libc::ifreq = std::mem::zeroed();
        for (slot, byte) in request.ifr_name.iter_mut().zip(b"lo\0") {
            *slot = *byte as libc::c_char;
        }
        let mut result = libc::ioctl(sock, libc::SIOCGIFFLAGS, &mut request);
        if result == 0 {
            request.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short;
            result = libc::ioctl(sock, libc::SIOCSIFFLAGS, &request);
        }
        let err = io::Error::last_os_error();
        libc::close(sock);
        if result == 0 {
            Ok(())
        } else {
            Err(err)
        }
    }
}

/// The network namespace of a running engine, held open (so it lives as
/// long as the handle, whatever happens to the process).
#[derive(Debug, Clone)]
pub struct NetNs {
    file: Arc<File>,
}

impl NetNs {
    /// The namespace of process `pid`, which must not be the server's own:
    /// that would mean the child did not isolate itself.
    pub fn of_process(pid: u32) -> io::Result<NetNs> {
        let file = File::open(format!("/proc/{pid}/ns/net"))?;
        let own = std::fs::metadata("/proc/self/ns/net")?;
        if file.metadata()?.ino() == own.ino() {
            return Err(io::Error::other("the engine shares the server's network namespace"));
        }
        Ok(NetNs { file: Arc::new(file) })
    }

    /// A TCP connection to `addr` inside the namespace.
    pub async fn connect(&self, addr: SocketAddr) -> io::Result<TcpStream> {
        let stream = self.inside(move || std::net::TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT)).await?;
        stream.set_nonblocking(true)?;
        TcpStream::from_std(stream)
    }

    /// A listener on `addr` inside the namespace.
    pub async fn listen(&self, addr: SocketAddr) -> io::Result<tokio::net::TcpListener> {
        let listener = self.inside(move || std::net::TcpListener::bind(addr)).await?;
        listener.set_nonblocking(true)?;
        tokio::net::TcpListener::from_std(listener)
    }

    /// Runs `make` on a thread of its own that joined the namespace; the
    /// thread ends with it, so no thread of the server's pools ever runs
    /// in the wrong namespace.
    async fn inside<T: Send + 'static>(&self, make: impl FnOnce() -> io::Result<T> + Send + 'static) -> io::Result<T> {
        let file = self.file.clone();
        let (tx, rx) = tokio::sync::oneshot::channel();
        std::thread::Builder::new().name("netns".to_string()).spawn(move || {
            // SAFETY: setns on this thread only, with a namespace fd we hold.
            let joined = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
            let result = if joined == 0 { make() } else { Err(io::Error::last_os_error()) };
            let _ = tx.send(result);
        })?;
        rx.await.map_err(|_| io::Error::other("the namespace thread ended without an answer"))?
    }
}

/// Relays every connection to `listener` (inside an engine's namespace) to
/// `target` (in the server's), until the task is aborted.
pub async fn relay(listener: tokio::net::TcpListener, target: SocketAddr) {
    loop {
        let Ok((mut inbound, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        tokio::spawn(async move {
            if let Ok(mut outbound) = TcpStream::connect(target).await {
                let _ = outbound.set_nodelay(true);
                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
            }
        });
    }
}

/// Whether this process may create and join network namespaces.
pub fn can_isolate() -> bool {
    // Effective capabilities, bit 21 = CAP_SYS_ADMIN.
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("CapEff:"))?;
            u64::from_str_radix(line.trim_start_matches("CapEff:").trim(), 16).ok()
        })
        .is_some_and(|caps| caps & (1 << 21) != 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn a_port_in_the_namespace_is_reachable_through_the_handle_only() {
        if !can_isolate() {
            eprintln!("skipped: no CAP_SYS_ADMIN here");
            return;
        }
        // A listener in a namespace of its own, answering "pong".
        let port = 47_000 + (std::process::id() % 1000) as u16;
        let script = format!(
            "import socket; s=socket.socket(); s.bind(('127.0.0.1',{port})); s.listen(); \
             c,_=s.accept(); c.recv(4); c.sendall(b'pong')"
        );
        let mut command = Command::new("python3");
        command.arg("-c").arg(script);
        isolate_on_exec(&mut command);
        let mut child = crate::ProcessGroup::spawn(command).unwrap();
        let pid = u32::try_from(child.pgid()).unwrap();
        let ns = NetNs::of_process(pid).unwrap();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        let mut stream = loop {
            match ns.connect(addr).await {
                Ok(stream) => break stream,
                Err(_) if tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(100)).await
                }
                Err(err) => panic!("no connection inside the namespace: {err}"),
            }
        };
        // From the server's own namespace the port is closed.
        assert!(std::net::TcpStream::connect(addr).is_err(), "the port leaked into the host namespace");
        stream.write_all(b"ping").await.unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.unwrap();
        assert_eq!(answer, b"pong");
        let _ = child.terminate(Duration::ZERO).await;
    }

    #[tokio::test]
    async fn a_relay_inside_the_namespace_reaches_the_servers_port() {
        if !can_isolate() {
            eprintln!("skipped: no CAP_SYS_ADMIN here");
            return;
        }
        let server = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let target = server.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut conn, _) = server.accept().await.unwrap();
            conn.write_all(b"from the server").await.unwrap();
        });
        let script = format!(
            "import socket,time\nfor _ in range(200):\n  try:\n    s=socket.create_connection(('127.0.0.1',{port}))\n    \
             break\n  except OSError: time.sleep(0.05)\nprint(s.recv(64).decode())",
            port = target.port()
        );
        let mut command = Command::new("python3");
        command.arg("-c").arg(script).stdout(std::process::Stdio::piped());
        isolate_on_exec(&mut command);
        let child = command.spawn().unwrap();
        let ns = NetNs::of_process(child.id().unwrap()).unwrap();
        let relay = tokio::spawn(super::relay(ns.listen(target).await.unwrap(), target));
        let out = tokio::time::timeout(Duration::from_secs(30), child.wait_with_output()).await.unwrap().unwrap();
        relay.abort();
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "from the server");
    }
}
