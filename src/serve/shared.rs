//! What all sessions of one server share: the pool, ONE LISTEN connection and one health
//! probe, and the supervision run. The listener's notifications fan out through a broadcast
//! channel; a session that falls behind (its receiver lagged) does not hold anyone up: it drops
//! what it missed and reloads everything (`Changed { "*" }`), like a reconnected listener.

use sqlx::PgPool;
use tokio::sync::{broadcast, mpsc::UnboundedSender, watch};
use tokio::task::JoinHandle;

use crate::domain::time::calendar::Thresholds;
use crate::ui::action::{Action, DbState};

/// Notifications kept for a slow session before it must reload.
const FAN_OUT: usize = 256;

pub struct Shared {
    pub changes: broadcast::Sender<String>,
    pub db: watch::Receiver<DbState>,
    tasks: Vec<JoinHandle<()>>,
}

impl Shared {
    /// Starts the listener, the health probe and the supervision run, once for the server.
    pub fn start(pool: &PgPool, thresholds: Thresholds) -> Shared {
        let (changes, _) = broadcast::channel(FAN_OUT);
        let (db_tx, db) = watch::channel(DbState::Connecting);
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let listener = crate::ui::tasks::spawn_listener(pool.clone(), tx.clone());
        let monitor = crate::ui::tasks::spawn_health_monitor(pool.clone(), tx);
        let supervisor = crate::ui::tasks::spawn_supervisor(pool.clone(), thresholds);
        let out = changes.clone();
        let bridge = tokio::spawn(async move {
            while let Some(a) = rx.recv().await {
                match a {
                    // No session yet is not an error: send returns Err only for no receivers.
                    Action::Changed { entity } => drop(out.send(entity)),
                    Action::Db(s) => {
                        db_tx.send_if_modified(|cur| std::mem::replace(cur, s) != s);
                    }
                    _ => {}
                }
            }
        });
        Shared {
            changes,
            db,
            tasks: vec![listener, monitor, supervisor, bridge],
        }
    }

    /// Feeds one session's loop: every notification and database state change as its Action.
    pub fn subscribe(&self, tx: UnboundedSender<Action>) -> JoinHandle<()> {
        forward(self.changes.subscribe(), self.db.clone(), tx)
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

fn forward(
    mut changes: broadcast::Receiver<String>,
    mut db: watch::Receiver<DbState>,
    tx: UnboundedSender<Action>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let first = *db.borrow_and_update();
        if tx.send(Action::Db(first)).is_err() {
            return;
        }
        loop {
            let action = tokio::select! {
                c = changes.recv() => match c {
                    Ok(entity) => Action::Changed { entity },
                    // Fell behind: what was missed is unknown, so everything reloads.
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        tracing::debug!("a session missed {n} notifications; it reloads");
                        Action::Changed { entity: "*".into() }
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                r = db.changed() => match r {
                    Ok(()) => Action::Db(*db.borrow_and_update()),
                    Err(_) => return,
                },
            };
            if tx.send(action).is_err() {
                return;
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_lagging_session_reloads_and_the_others_see_every_notification() {
        let (changes, _) = broadcast::channel(4);
        let (_db_tx, db) = watch::channel(DbState::Connected);
        let (fast_tx, mut fast) = tokio::sync::mpsc::unbounded_channel();
        let slow_rx = changes.subscribe();
        forward(changes.subscribe(), db.clone(), fast_tx);
        assert!(matches!(
            fast.recv().await,
            Some(Action::Db(DbState::Connected))
        ));
        for i in 0..10 {
            changes.send(format!("case{i}")).unwrap();
            // The fast session takes each as it comes.
            match fast.recv().await {
                Some(Action::Changed { entity }) => assert_eq!(entity, format!("case{i}")),
                other => panic!("{other:?}"),
            }
        }
        // The slow one was not read meanwhile: it lagged, and reloads everything once.
        let (slow_tx, mut slow) = tokio::sync::mpsc::unbounded_channel();
        forward(slow_rx, db, slow_tx);
        assert!(matches!(slow.recv().await, Some(Action::Db(_))));
        match slow.recv().await {
            Some(Action::Changed { entity }) => assert_eq!(entity, "*"),
            other => panic!("{other:?}"),
        }
        // Then the last four, still buffered.
        match slow.recv().await {
            Some(Action::Changed { entity }) => assert_eq!(entity, "case6"),
            other => panic!("{other:?}"),
        }
    }
}
