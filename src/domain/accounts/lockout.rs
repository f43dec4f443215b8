//! Login lockout: after a number of consecutive failures the account is locked for a while.

/// The policy, from the server (table `sign_in_policy`, read by every sign-in): never from a
/// client's configuration or environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    pub max_failures: u32,
    pub lock_minutes: u32,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        LockoutPolicy {
            max_failures: 5,
            lock_minutes: 15,
        }
    }
}

/// What a failed attempt does to the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Count the failure; `remaining` attempts are left before the lock.
    Count { failures: u32, remaining: u32 },
    /// Lock the account for `minutes`; the counter starts again from zero after the lock.
    Lock { minutes: u32 },
}

impl LockoutPolicy {
    /// `previous_failures` is the count stored before this failed attempt.
    pub fn after_failure(&self, previous_failures: u32) -> AfterFailure {
        let failures = previous_failures.saturating_add(1);
        let max = self.max_failures.max(1);
        if failures >= max {
            AfterFailure::Lock {
                minutes: self.lock_minutes,
            }
        } else {
            AfterFailure::Count {
                failures,
                remaining: max - failures,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifth_failure_locks_for_fifteen_minutes_by_default() {
        let p = LockoutPolicy::default();
        assert_eq!(
            p.after_failure(0),
            AfterFailure::Count {
                failures: 1,
                remaining: 4
            }
        );
        assert_eq!(
            p.after_failure(3),
            AfterFailure::Count {
                failures: 4,
                remaining: 1
            }
        );
        assert_eq!(p.after_failure(4), AfterFailure::Lock { minutes: 15 });
    }

    #[test]
    fn a_zero_limit_behaves_as_one() {
        let p = LockoutPolicy {
            max_failures: 0,
            lock_minutes: 1,
        };
        assert_eq!(p.after_failure(0), AfterFailure::Lock { minutes: 1 });
    }
}
