//! Reuse of record buffers between the tail pane and the tail thread.
//!
//! It lives with the data it pools, so that the tail's state (`state::tail`) hands evicted
//! records back and the tail thread (`kafka::consumer`) fills them again without either
//! knowing the other.
//!
//! At full speed the tail pane evicts one record for each one that arrives. Dropping it on
//! the UI thread and allocating a fresh one on the tail thread costs three allocations and
//! three cross-thread frees per record (glibc then contends on the tail thread's arena); handing
//! the evicted records back and filling them again costs a copy. The pool is bounded by count
//! and by bytes, so it never holds more than a few batches; what does not fit is dropped.

use std::sync::Mutex;

use super::record::{Header, Record};

/// Records per batch the tail thread sends at most.
pub const BATCH_MAX: usize = 1024;

/// Records kept for reuse at most.
pub const MAX_RECORDS: usize = 4 * BATCH_MAX;
/// Heap bytes of the records kept at most.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;
/// A record holding more heap than this is dropped rather than kept.
pub const MAX_RECORD_BYTES: usize = 16 * 1024;
/// Empty batch vectors kept at most.
const MAX_BATCHES: usize = 4;

struct Pool {
    records: Vec<Record>,
    bytes: usize,
    batches: Vec<Vec<Record>>,
}

static POOL: Mutex<Pool> = Mutex::new(Pool {
    records: Vec::new(),
    bytes: 0,
    batches: Vec::new(),
});

fn lock() -> std::sync::MutexGuard<'static, Pool> {
    // The pool holds no invariant a panic could break: keep using it.
    POOL.lock().unwrap_or_else(|e| e.into_inner())
}

/// Heap bytes a record holds (capacities, not lengths).
pub fn heap_bytes(r: &Record) -> usize {
    r.topic.capacity()
        + r.key.as_ref().map_or(0, Vec::capacity)
        + r.value.as_ref().map_or(0, Vec::capacity)
        + r.headers.capacity() * std::mem::size_of::<Header>()
        + r.headers
            .iter()
            .map(|h| h.name.capacity() + h.value.as_ref().map_or(0, Vec::capacity))
            .sum::<usize>()
}

/// Gives back records that left the tail buffer, and the emptied vector of a batch.
pub fn give_back(records: Vec<Record>, empty_batch: Vec<Record>) {
    let mut rejected = Vec::new();
    {
        let mut pool = lock();
        for r in records {
            let b = heap_bytes(&r);
            if b <= MAX_RECORD_BYTES
                && pool.records.len() < MAX_RECORDS
                && pool.bytes + b <= MAX_BYTES
            {
                pool.bytes += b;
                pool.records.push(r);
            } else {
                rejected.push(r);
            }
        }
        if empty_batch.capacity() >= BATCH_MAX && pool.batches.len() < MAX_BATCHES {
            let mut v = empty_batch;
            v.clear();
            pool.batches.push(v);
        }
    }
    drop(rejected); // outside the lock
}

/// Moves up to a batch of records for reuse into `spare` and returns an empty vector for
/// the next batch: one lock per batch.
pub fn take(spare: &mut Vec<Record>) -> Vec<Record> {
    let mut pool = lock();
    let want = BATCH_MAX.saturating_sub(spare.len());
    let from = pool.records.len().saturating_sub(want);
    let taken: usize = pool.records[from..].iter().map(heap_bytes).sum();
    pool.bytes -= taken;
    spare.extend(pool.records.drain(from..));
    pool.batches
        .pop()
        .unwrap_or_else(|| Vec::with_capacity(BATCH_MAX))
}

/// Records and bytes held for reuse (for tests and benchmarks).
pub fn held() -> (usize, usize) {
    let pool = lock();
    (pool.records.len(), pool.bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dirty() -> Record {
        Record {
            topic: "old-topic-with-a-long-name".into(),
            key: Some(b"old key".to_vec()),
            value: Some(vec![b'v'; 500]),
            headers: vec![Header {
                name: "h".into(),
                value: None,
            }],
            ..Record::default()
        }
    }

    #[test]
    fn recycle_pool_is_bounded() {
        let many: Vec<Record> = (0..3 * MAX_RECORDS).map(|_| dirty()).collect();
        give_back(many, Vec::with_capacity(BATCH_MAX));
        let (n, bytes) = held();
        assert!(n <= MAX_RECORDS, "{n} records held");
        assert!(bytes <= MAX_BYTES, "{bytes} bytes held");
        let mut spare = Vec::new();
        let batch = take(&mut spare);
        assert!(batch.is_empty() && batch.capacity() >= BATCH_MAX);
        assert!(spare.len() <= BATCH_MAX);
    }

    #[test]
    fn recycle_drops_big_records() {
        let mut big = dirty();
        big.topic = "recycle_drops_big_records".into();
        big.value = Some(vec![0; MAX_RECORD_BYTES + 1]);
        give_back(vec![big], Vec::new());
        // Drain the pool: the big record is not in it.
        loop {
            let mut spare = Vec::new();
            let _ = take(&mut spare);
            assert!(spare.iter().all(|r| r.topic != "recycle_drops_big_records"));
            if spare.is_empty() {
                break;
            }
        }
    }
}
