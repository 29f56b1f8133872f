//! Reuse of record buffers between the tail pane and the tail thread.
//!
//! At full speed the tail pane evicts one record for each one that arrives. Dropping it on
//! the UI thread and allocating a fresh one on the tail thread costs three allocations and
//! three cross-thread frees per record (glibc then contends on the tail thread's arena); handing
//! the evicted records back and filling them again costs a copy. The pool is bounded by count
//! and by bytes, so it never holds more than a few batches; what does not fit is dropped.

use std::sync::Mutex;

use super::consumer::BATCH_MAX;
use crate::kafka::model::Record;

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
        + r.headers.capacity() * std::mem::size_of::<crate::kafka::model::Header>()
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
