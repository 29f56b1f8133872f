//! A small bounded cache of results: a success stays until the cache is full (then the oldest
//! entry goes first), a failure only for `failure_ttl`, so that a missing schema id is asked
//! for once per record burst and not once per record, and asked again a little later.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::time::{Duration, Instant};

pub struct Cache<K, V, E> {
    capacity: usize,
    failure_ttl: Duration,
    map: HashMap<K, (Result<V, E>, Instant)>,
    order: VecDeque<K>,
}

impl<K: Eq + Hash + Clone, V: Clone, E: Clone> Cache<K, V, E> {
    pub fn new(capacity: usize, failure_ttl: Duration) -> Self {
        Cache {
            capacity: capacity.max(1),
            failure_ttl,
            map: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    /// The cached result, unless there is none or it is a failure older than the TTL.
    pub fn get(&mut self, key: &K) -> Option<Result<V, E>> {
        let expired = match self.map.get(key)? {
            (Err(_), at) => at.elapsed() >= self.failure_ttl,
            _ => false,
        };
        if expired {
            self.map.remove(key);
            self.order.retain(|k| k != key);
            return None;
        }
        self.map.get(key).map(|(r, _)| r.clone())
    }

    pub fn insert(&mut self, key: K, value: Result<V, E>) {
        if self
            .map
            .insert(key.clone(), (value, Instant::now()))
            .is_none()
        {
            self.order.push_back(key);
        }
        while self.map.len() > self.capacity {
            match self.order.pop_front() {
                Some(old) => {
                    self.map.remove(&old);
                }
                None => break,
            }
        }
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_oldest_first() {
        let mut c: Cache<u32, u32, ()> = Cache::new(2, Duration::from_secs(60));
        c.insert(1, Ok(10));
        c.insert(2, Ok(20));
        c.insert(3, Ok(30));
        assert_eq!(c.len(), 2);
        assert_eq!(c.get(&1), None);
        assert_eq!(c.get(&3), Some(Ok(30)));
    }

    #[test]
    fn failures_expire_successes_do_not() {
        let mut c: Cache<u32, u32, &str> = Cache::new(10, Duration::ZERO);
        c.insert(1, Err("gone"));
        c.insert(2, Ok(2));
        assert_eq!(c.get(&1), None, "a failure older than the TTL is forgotten");
        assert_eq!(c.get(&2), Some(Ok(2)));
        let mut c: Cache<u32, u32, &str> = Cache::new(10, Duration::from_secs(60));
        c.insert(1, Err("gone"));
        assert_eq!(c.get(&1), Some(Err("gone")));
    }
}
