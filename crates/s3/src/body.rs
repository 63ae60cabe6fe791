//! Streaming response bodies read from object files.
//!
//! GETs of multi-gigabyte job outputs must not be buffered in memory, and the
//! response must advertise its exact length (clients verify Content-Length),
//! so the body is a byte stream over a byte range of the open file that knows
//! how much is left.

use std::future::Future;
use std::io;
use std::os::unix::fs::FileExt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::Stream;
use s3s::stream::{ByteStream, RemainingLength};
use s3s::StdError;
use tokio::task::JoinHandle;

/// Bytes per read: each is one trip to the blocking pool, so large reads
/// keep those trips (and the thread wake-ups behind them) rare; a 1 GB GET
/// is a thousand of them rather than sixteen thousand.
const CHUNK: usize = 1024 * 1024;

/// Yields exactly `remaining` bytes of the file from `offset` on.
pub(crate) struct FileBody {
    file: Arc<std::fs::File>,
    offset: u64,
    remaining: u64,
    /// The read in flight on the blocking pool.
    reading: Option<JoinHandle<io::Result<Vec<u8>>>>,
}

impl FileBody {
    pub(crate) fn new(file: std::fs::File, offset: u64, len: u64) -> Self {
        FileBody { file: Arc::new(file), offset, remaining: len, reading: None }
    }
}

/// Up to `want` bytes at `offset`, read into a buffer of their own, so that
/// the chunk is handed on without another copy; short only at end of file.
fn read_chunk(file: &std::fs::File, offset: u64, want: usize) -> io::Result<Vec<u8>> {
    let mut buf = vec![0u8; want];
    let mut filled = 0;
    while filled < want {
        match file.read_at(&mut buf[filled..], offset + filled as u64) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.truncate(filled);
    Ok(buf)
}

impl Stream for FileBody {
    type Item = Result<Bytes, StdError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.remaining == 0 {
            return Poll::Ready(None);
        }
        let reading = this.reading.get_or_insert_with(|| {
            let want = usize::try_from(this.remaining).map_or(CHUNK, |r| r.min(CHUNK));
            let (file, offset) = (Arc::clone(&this.file), this.offset);
            tokio::task::spawn_blocking(move || read_chunk(&file, offset, want))
        });
        let result = match Pin::new(reading).poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(joined) => joined.unwrap_or_else(|e| Err(io::Error::other(e))),
        };
        this.reading = None;
        match result {
            Err(e) => {
                this.remaining = 0;
                Poll::Ready(Some(Err(Box::new(e))))
            }
            Ok(chunk) if chunk.is_empty() => {
                // The file was truncated after Content-Length was sent; an
                // error aborts the connection so the client sees a short body.
                this.remaining = 0;
                let e = io::Error::new(io::ErrorKind::UnexpectedEof, "object file shrank while being read");
                Poll::Ready(Some(Err(Box::new(e))))
            }
            Ok(chunk) => {
                this.offset += chunk.len() as u64;
                this.remaining -= chunk.len() as u64;
                Poll::Ready(Some(Ok(Bytes::from(chunk))))
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, None)
    }
}

impl ByteStream for FileBody {
    fn remaining_length(&self) -> RemainingLength {
        usize::try_from(self.remaining).map_or_else(|_| RemainingLength::unknown(), RemainingLength::new_exact)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;

    async fn read_range(data: &[u8], start: u64, len: u64) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, data).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let mut body = FileBody::new(file, start, len);
        assert_eq!(body.remaining_length().exact(), usize::try_from(len).ok());
        let mut out = Vec::new();
        while let Some(chunk) = body.next().await {
            out.extend_from_slice(&chunk.unwrap());
        }
        out
    }

    #[tokio::test]
    async fn streams_exact_ranges() {
        // Over two chunks, so that reads continue where the last one ended.
        let data: Vec<u8> = (0..2_500_000u32).map(|i| (i % 251) as u8).collect();
        assert_eq!(read_range(&data, 0, data.len() as u64).await, data);
        assert_eq!(read_range(&data, 70_000, 2_100_001).await, &data[70_000..2_170_001]);
        assert!(read_range(&data, 5, 0).await.is_empty());
    }

    #[tokio::test]
    async fn truncated_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"abc").unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let mut body = FileBody::new(file, 0, 10);
        assert_eq!(&body.next().await.unwrap().unwrap()[..], b"abc");
        assert!(body.next().await.unwrap().is_err());
    }
}
