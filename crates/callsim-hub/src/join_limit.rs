//! Join codes are short so that people can type them; what keeps them from
//! being guessed is that each address gets only a few wrong ones: after
//! [`FAILED_JOINS`] wrong codes within [`WINDOW`], the address's joins are
//! refused (429, with when to try again) until the oldest ages out.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Wrong join codes an address may send within [`WINDOW`]. A trainee who
/// mistypes a few times is far below it; a guesser among 887 million
/// codes gets nowhere.
pub const FAILED_JOINS: usize = 10;
pub const WINDOW: Duration = Duration::from_secs(10 * 60);
/// Addresses remembered at once; past it the one quiet longest is dropped.
const ADDRESSES: usize = 4096;

/// Each address's recent wrong join codes.
#[derive(Default)]
pub struct FailedJoins {
    by_address: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

impl FailedJoins {
    /// `Err(wait)` when `address` has used up its wrong codes: how long
    /// until the oldest of them ages out.
    pub fn check(&self, address: IpAddr, now: Instant) -> Result<(), Duration> {
        let mut map = self.by_address.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(failures) = map.get_mut(&address) else {
            return Ok(());
        };
        while failures.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
            failures.pop_front();
        }
        match failures.front() {
            Some(oldest) if failures.len() >= FAILED_JOINS => {
                Err(WINDOW.saturating_sub(now.duration_since(*oldest)))
            }
            _ => Ok(()),
        }
    }

    /// Notes a wrong join code from `address`.
    pub fn record(&self, address: IpAddr, now: Instant) {
        let mut map = self.by_address.lock().unwrap_or_else(PoisonError::into_inner);
        if !map.contains_key(&address) && map.len() >= ADDRESSES {
            map.retain(|_, f| f.back().is_some_and(|t| now.duration_since(*t) < WINDOW));
            if map.len() >= ADDRESSES
                && let Some(quietest) = map.iter().min_by_key(|(_, f)| f.back().copied()).map(|(a, _)| *a)
            {
                map.remove(&quietest);
            }
        }
        let failures = map.entry(address).or_default();
        failures.push_back(now);
        // Only the newest FAILED_JOINS matter.
        while failures.len() > FAILED_JOINS {
            failures.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_held_back_after_its_wrong_codes_until_the_oldest_ages_out() {
        let limit = FailedJoins::default();
        let guesser: IpAddr = "10.0.0.9".parse().expect("an address");
        let trainee: IpAddr = "10.0.0.10".parse().expect("an address");
        let start = Instant::now();
        for i in 0..FAILED_JOINS {
            assert_eq!(limit.check(guesser, start), Ok(()), "guess {i}");
            limit.record(guesser, start + Duration::from_secs(i as u64));
        }
        let later = start + Duration::from_secs(60);
        let wait = limit.check(guesser, later).expect_err("held back");
        assert_eq!(wait, WINDOW - Duration::from_secs(60));
        assert_eq!(limit.check(trainee, later), Ok(()), "another PC is not");
        assert_eq!(
            limit.check(guesser, start + WINDOW),
            Ok(()),
            "the oldest aged out"
        );
    }
}
