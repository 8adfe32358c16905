//! Who was kicked from one room and until when.
//!
//! A kick with a positive duration keeps the user out of that room until it runs out. The list
//! lives and dies with its room, and is capped: when it is full, the kick closest to running out
//! is forgotten first, so an owner kicking without end grows no memory, and the cost is at worst
//! a user back slightly early.

/// Most kicks one room remembers at once.
pub const MAX_KICKS_PER_ROOM: usize = 64;

/// Kicked users of one room with the time (server clock, µs) their kick runs out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KickList(Vec<(u64, u64)>);

impl KickList {
    /// Keeps `user` out for `seconds` from `now`; zero or less only forgets an older kick
    /// (the newest decision of the owner holds).
    pub fn kick(&mut self, now: u64, user: u64, seconds: i32) {
        self.0.retain(|&(u, until)| u != user && until > now);
        let Ok(secs) = u64::try_from(seconds) else { return };
        if secs == 0 {
            return;
        }
        if self.0.len() >= MAX_KICKS_PER_ROOM
            && let Some(soonest) = self.0.iter().enumerate().min_by_key(|(_, k)| k.1).map(|(i, _)| i)
        {
            self.0.swap_remove(soonest);
        }
        self.0.push((user, now.saturating_add(secs.saturating_mul(1_000_000))));
    }

    /// Microseconds until `user` may rejoin, if a kick still holds them out at `now`.
    pub fn remaining(&self, now: u64, user: u64) -> Option<u64> {
        self.0.iter().find(|&&(u, until)| u == user && until > now).map(|&(_, until)| until - now)
    }

    /// Kicks remembered (expired ones are dropped at the next kick).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when nobody is remembered.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1_000_000;

    #[test]
    fn a_kick_holds_for_its_duration_only() {
        let mut k = KickList::default();
        k.kick(10 * S, 7, 30);
        assert_eq!(k.remaining(10 * S, 7), Some(30 * S));
        assert_eq!(k.remaining(39 * S, 7), Some(S));
        assert_eq!(k.remaining(40 * S, 7), None, "runs out exactly at the end");
        assert_eq!(k.remaining(10 * S, 8), None, "only the kicked user");
        for none in [0, -1, i32::MIN] {
            k.kick(10 * S, 9, none);
            assert_eq!(k.remaining(10 * S, 9), None, "duration {none}");
        }
    }

    #[test]
    fn a_new_kick_replaces_the_old_one() {
        let mut k = KickList::default();
        k.kick(0, 7, 600);
        k.kick(S, 7, 5);
        assert_eq!(k.remaining(S, 7), Some(5 * S));
        k.kick(2 * S, 7, 0);
        assert_eq!(k.remaining(2 * S, 7), None);
        assert!(k.is_empty());
        // The longest duration does not overflow the clock.
        k.kick(u64::MAX - S, 7, i32::MAX);
        assert_eq!(k.remaining(u64::MAX - S, 7), Some(S));
    }

    #[test]
    fn the_list_is_capped_and_forgets_the_kick_closest_to_its_end() {
        let mut k = KickList::default();
        for user in 0..MAX_KICKS_PER_ROOM as u64 {
            k.kick(0, user, 100 + user as i32);
        }
        assert_eq!(k.len(), MAX_KICKS_PER_ROOM);
        k.kick(0, 999, 1000);
        assert_eq!(k.len(), MAX_KICKS_PER_ROOM);
        assert_eq!(k.remaining(0, 0), None, "user 0 had the shortest kick left");
        assert!(k.remaining(0, 1).is_some() && k.remaining(0, 999).is_some());
        // Expired kicks make room before anything is evicted.
        k.kick(500 * S, 1000, 10);
        assert_eq!(k.len(), 2, "every older kick but the 1000 s one had run out");
    }
}
