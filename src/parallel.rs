//! Work shared between this thread and one more: `f` of each item of a list, each taken by
//! whichever thread is free next, the results in the list's order. At 10,000 accounts the run
//! has a few such lists (the output's hashes, the hub documents' sizes, the IAM services a
//! catalog names), each too long for one thread and too short for more than two cores; `join`,
//! two independent pieces of work side by side; and `while_waiting`, work for both cores while
//! this thread waits on the disk.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A list being worked through: any thread may `help`; `into_results` once none does any more.
pub(crate) struct Shared<'a, T, R, F> {
    items: &'a [T],
    f: F,
    /// The order the items are taken in (indices into `items`).
    order: Vec<usize>,
    next: AtomicUsize,
    done: Vec<OnceLock<R>>,
}

impl<'a, T: Sync, R: Send + Sync, F: Fn(&T) -> R + Sync> Shared<'a, T, R, F> {
    pub(crate) fn new(items: &'a [T], f: F) -> Self {
        let order = (0..items.len()).collect();
        Self { items, f, order, next: AtomicUsize::new(0), done: items.iter().map(|_| OnceLock::new()).collect() }
    }

    /// The items taken largest first by `size`: the last ones to be taken are then the small ones,
    /// and no thread is left working alone through a large one at the end.
    pub(crate) fn largest_first(items: &'a [T], f: F, size: impl Fn(&T) -> usize) -> Self {
        let mut shared = Self::new(items, f);
        largest_first(&mut shared.order, |i| size(&items[i]));
        shared
    }

    /// Takes items until none is left.
    pub(crate) fn help(&self) {
        while let Some(&i) = self.order.get(self.next.fetch_add(1, Ordering::Relaxed)) {
            let (Some(item), Some(slot)) = (self.items.get(i), self.done.get(i)) else { break };
            let _ = slot.set((self.f)(item));
        }
    }

    /// Every result, in order; an item a thread took and did not finish (it panicked) is done
    /// here.
    pub(crate) fn into_results(self) -> Vec<R> {
        let (items, f) = (self.items, self.f);
        self.done.into_iter().zip(items).map(|(r, item)| r.into_inner().unwrap_or_else(|| f(item))).collect()
    }
}

/// Sorts `order` (indices of work items) largest first by `size`, equal sizes in their order: the
/// order in which threads sharing a list take its items.
pub(crate) fn largest_first(order: &mut [usize], size: impl Fn(usize) -> usize) {
    order.sort_by_key(|&i| std::cmp::Reverse(size(i)));
}

/// `f` of each item, in order, on this thread and a second one (this one alone when no thread
/// is to be had).
pub(crate) fn map<T: Sync, R: Send + Sync>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    // One item (the single group of a small hub) is not worth starting a thread for.
    if items.len() < 2 {
        return items.iter().map(f).collect();
    }
    let shared = Shared::new(items, f);
    std::thread::scope(|scope| {
        let side = std::thread::Builder::new().spawn_scoped(scope, || shared.help());
        shared.help();
        if let Ok(side) = side {
            // Joined here, so a panic there is not the scope's: `into_results` redoes its item.
            let _ = side.join();
        }
    });
    shared.into_results()
}

/// `here()` on this thread while `there()` runs on a second one. `there` runs on this thread
/// after `here` when no thread is to be had, or again when it panicked there.
pub(crate) fn join<A, B: Send>(here: impl FnOnce() -> A, there: impl Fn() -> B + Sync) -> (A, B) {
    std::thread::scope(|scope| {
        let side = std::thread::Builder::new().spawn_scoped(scope, &there);
        let a = here();
        let b = side.ok().and_then(|h| h.join().ok()).unwrap_or_else(&there);
        (a, b)
    })
}

/// `wait()` on this thread while two more take up `help`, then `help` here too: for work that
/// waits on the disk rather than on a core (a flush), so that both cores do `help`'s work
/// meanwhile. Every helper has returned when this does. `help` must do nothing once its work is
/// done; after a helper panicked it is called again here, and the work that helper had taken is
/// `help`'s own to recover (the CloudFormation check records a panic as that template's
/// failure).
pub(crate) fn while_waiting<A>(wait: impl FnOnce() -> A, help: impl Fn() + Sync) -> A {
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (0..2).map(|_| std::thread::Builder::new().spawn_scoped(scope, &help)).collect();
        let a = wait();
        help();
        for helper in helpers {
            if !helper.is_ok_and(|h| h.join().is_ok()) {
                help();
            }
        }
        a
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_order_however_the_threads_share_them() {
        for n in [0, 1, 2, 3, 17, 1000] {
            let items: Vec<usize> = (0..n).collect();
            let want: Vec<String> = items.iter().map(|i| format!("{i}:{}", i * i)).collect();
            assert_eq!(map(&items, |i| format!("{i}:{}", i * i)), want, "{n}");
            // No thread got to them (one panicked): `into_results` does them.
            assert_eq!(Shared::new(&items, |i: &usize| format!("{i}:{}", i * i)).into_results(), want, "{n}");
            // Taken in another order, still given back in the list's.
            let shared = Shared::largest_first(&items, |i: &usize| format!("{i}:{}", i * i), |i| i % 7);
            std::thread::scope(|s| {
                s.spawn(|| shared.help());
                shared.help();
            });
            assert_eq!(shared.into_results(), want, "{n}");
        }
    }

    #[test]
    fn largest_first_takes_the_largest_items_first() {
        let sizes = [3, 9, 1, 9, 5];
        let taken = std::sync::Mutex::new(Vec::new());
        let shared = Shared::largest_first(&sizes, |s: &usize| taken.lock().unwrap().push(*s), |s| *s);
        shared.help();
        assert_eq!(*taken.lock().unwrap(), vec![9, 9, 5, 3, 1]);
        assert_eq!(shared.into_results().len(), sizes.len());
    }

    #[test]
    fn while_waiting_helps_on_three_threads_and_redoes_a_helper_that_panicked() {
        let items: Vec<usize> = (0..100).collect();
        let shared = Shared::new(&items, |i: &usize| i * 2);
        let helped = AtomicUsize::new(0);
        let waited = while_waiting(
            || 7,
            || {
                helped.fetch_add(1, Ordering::Relaxed);
                shared.help();
            },
        );
        assert_eq!((waited, helped.load(Ordering::Relaxed)), (7, 3));
        assert_eq!(shared.into_results(), items.iter().map(|i| i * 2).collect::<Vec<_>>());
        let (calls, helpers) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let here = std::thread::current().id();
        let help = || {
            calls.fetch_add(1, Ordering::Relaxed);
            let helper = std::thread::current().id() != here;
            assert!(!helper || helpers.fetch_add(1, Ordering::Relaxed) > 0, "the first helper panics");
        };
        while_waiting(|| (), help);
        // Two helpers and this thread, and once more for the one that panicked.
        assert_eq!(calls.load(Ordering::Relaxed), 4);
    }

    #[test]
    fn join_gives_both_results_and_redoes_a_side_that_panicked() {
        assert_eq!(join(|| 1, || "two"), (1, "two"));
        let first = std::sync::atomic::AtomicBool::new(true);
        let there = || {
            assert!(!first.swap(false, Ordering::Relaxed), "first attempt");
            2
        };
        assert_eq!(join(|| 1, there), (1, 2));
    }
}
