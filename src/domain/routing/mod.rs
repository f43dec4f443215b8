//! **routing** — the pure rules. Parallel approval (并联审批): stages of department branches, the join
//! and the lead department's decision.
//!
//! Rules kept: Branches decided at the same instant join exactly once; the state machine in
//! domain::routing decides what follows.
//! Docs: docs/routing.md.
//!
//! Parallel approval (并联审批) as a pure state machine: a case routed through ordered stages,
//! each stage a set of department branches reviewing at the same time, a join when every branch
//! of a stage is decided, and the lead department's final decision. The store loads the states,
//! asks these functions what follows, and writes the answer; it does not re-decide in SQL
//! (docs/routing.md).

/// Where a routed case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteState {
    /// The branches of this stage (1-based) are reviewing.
    Review { stage: i32 },
    /// Waiting for the lead department's decision; `disagreed` when a branch disagreed.
    Lead { disagreed: bool },
    /// Stopped for the applicant's supplements (补正); the clock is stopped.
    Suspended { stage: i32 },
    /// Decided by the lead department; the result awaits delivery (送达).
    Decided { approved: bool },
    /// The result was delivered: closed.
    Delivered,
    /// The applicant withdrew (撤回): closed.
    Withdrawn,
}

/// Where one department's branch stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BranchState {
    Open,
    Agreed,
    Disagreed,
    /// Asked for the applicant's missing materials; reopens when they arrive.
    Correction,
    /// Past its reply limit with no decision, and the item counts silence as consent (超时默许).
    DeemedAgreed,
    /// Closed without a decision (the case was withdrawn).
    Closed,
}

/// A branch's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Agree,
    Disagree { reason: String },
    Correction { missing: String },
}

/// What a decision or a join leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Other branches of the stage are still open: nothing else changes.
    Wait,
    /// Every branch agreed: open the branches of this stage.
    Stage(i32),
    /// To the lead department's decision queue.
    Lead { disagreed: bool },
    /// A correction request suspends the case.
    Suspend,
}

/// The lead department's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeadVerdict {
    Approve {
        document_no: String,
    },
    Disapprove {
        reason: String,
    },
    /// Approve although a branch disagreed: the responsibility is recorded.
    ApproveAnyway {
        document_no: String,
        responsibility: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteError {
    /// The case is not in a state that takes this step.
    CaseNot(&'static str),
    /// The branch was decided already or is closed.
    BranchDecided,
    /// The branch belongs to another stage than the one reviewing.
    WrongStage,
    /// A required text is empty: the field.
    Missing(&'static str),
    /// A join was asked with a branch of the stage missing.
    IncompleteStage,
}

impl std::fmt::Display for RouteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RouteError::CaseNot(s) => write!(f, "the case is not {s}"),
            RouteError::BranchDecided => write!(f, "this branch is decided or closed"),
            RouteError::WrongStage => write!(f, "this branch is not of the stage under review"),
            RouteError::Missing(field) => write!(f, "{field} is required"),
            RouteError::IncompleteStage => write!(f, "a branch of the stage is missing"),
        }
    }
}

impl BranchState {
    pub fn is_decided(self) -> bool {
        !matches!(self, BranchState::Open)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            BranchState::Open => "open",
            BranchState::Agreed => "agreed",
            BranchState::Disagreed => "disagreed",
            BranchState::Correction => "correction",
            BranchState::DeemedAgreed => "deemed_agreed",
            BranchState::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<BranchState> {
        Some(match s {
            "open" => BranchState::Open,
            "agreed" => BranchState::Agreed,
            "disagreed" => BranchState::Disagreed,
            "correction" => BranchState::Correction,
            "deemed_agreed" => BranchState::DeemedAgreed,
            "closed" => BranchState::Closed,
            _ => return None,
        })
    }
}

impl RouteState {
    /// (state, stage) as stored.
    pub fn to_db(self) -> (&'static str, i32) {
        match self {
            RouteState::Review { stage } => ("review", stage),
            RouteState::Lead { disagreed: false } => ("lead", 0),
            RouteState::Lead { disagreed: true } => ("lead_disagreed", 0),
            RouteState::Suspended { stage } => ("suspended", stage),
            RouteState::Decided { approved: true } => ("approved", 0),
            RouteState::Decided { approved: false } => ("disapproved", 0),
            RouteState::Delivered => ("delivered", 0),
            RouteState::Withdrawn => ("withdrawn", 0),
        }
    }

    pub fn from_db(state: &str, stage: i32) -> Option<RouteState> {
        Some(match state {
            "review" => RouteState::Review { stage },
            "lead" => RouteState::Lead { disagreed: false },
            "lead_disagreed" => RouteState::Lead { disagreed: true },
            "suspended" => RouteState::Suspended { stage },
            "approved" => RouteState::Decided { approved: true },
            "disapproved" => RouteState::Decided { approved: false },
            "delivered" => RouteState::Delivered,
            "withdrawn" => RouteState::Withdrawn,
            _ => return None,
        })
    }

    pub fn is_closed(self) -> bool {
        matches!(self, RouteState::Delivered | RouteState::Withdrawn)
    }
}

/// A branch decides: its new state, given the case's state and the branch's stage.
pub fn decide(
    case: RouteState,
    branch: BranchState,
    branch_stage: i32,
    verdict: &Verdict,
) -> Result<BranchState, RouteError> {
    let RouteState::Review { stage } = case else {
        return Err(RouteError::CaseNot("under review"));
    };
    if stage != branch_stage {
        return Err(RouteError::WrongStage);
    }
    if branch.is_decided() {
        return Err(RouteError::BranchDecided);
    }
    Ok(match verdict {
        Verdict::Agree => BranchState::Agreed,
        Verdict::Disagree { reason } if reason.trim().is_empty() => {
            return Err(RouteError::Missing("reason"));
        }
        Verdict::Disagree { .. } => BranchState::Disagreed,
        Verdict::Correction { missing } if missing.trim().is_empty() => {
            return Err(RouteError::Missing("missing materials"));
        }
        Verdict::Correction { .. } => BranchState::Correction,
    })
}

/// The join of a stage: what follows once its branches stand as given. `expected` is how many
/// branches the stage has (from the template); `last_stage` the template's last stage.
pub fn join(
    stage: i32,
    last_stage: i32,
    expected: usize,
    branches: &[BranchState],
) -> Result<Next, RouteError> {
    if branches.len() != expected {
        return Err(RouteError::IncompleteStage);
    }
    // A correction request stops the case at once, whatever the others say.
    if branches.contains(&BranchState::Correction) {
        return Ok(Next::Suspend);
    }
    if branches.iter().any(|b| !b.is_decided()) {
        return Ok(Next::Wait);
    }
    if branches.contains(&BranchState::Disagreed) {
        return Ok(Next::Lead { disagreed: true });
    }
    Ok(if stage < last_stage {
        Next::Stage(stage + 1)
    } else {
        Next::Lead { disagreed: false }
    })
}

/// The case's state after a join's answer.
pub fn after(case: RouteState, next: Next) -> RouteState {
    match (case, next) {
        (c, Next::Wait) => c,
        (_, Next::Stage(stage)) => RouteState::Review { stage },
        (_, Next::Lead { disagreed }) => RouteState::Lead { disagreed },
        (RouteState::Review { stage }, Next::Suspend) => RouteState::Suspended { stage },
        (c, Next::Suspend) => c,
    }
}

/// A branch past its reply limit and still open: consent when the item says silence consents.
pub fn lapse(branch: BranchState, deemed_consent: bool) -> Option<BranchState> {
    (branch == BranchState::Open && deemed_consent).then_some(BranchState::DeemedAgreed)
}

/// The lead department decides.
pub fn lead_decide(case: RouteState, verdict: &LeadVerdict) -> Result<RouteState, RouteError> {
    let RouteState::Lead { disagreed } = case else {
        return Err(RouteError::CaseNot("waiting for the lead department"));
    };
    match verdict {
        LeadVerdict::Approve { document_no } if document_no.trim().is_empty() => {
            Err(RouteError::Missing("result document number"))
        }
        // After a disagreement, approving needs the responsibility written down.
        LeadVerdict::Approve { .. } if disagreed => Err(RouteError::Missing("responsibility")),
        LeadVerdict::Approve { .. } => Ok(RouteState::Decided { approved: true }),
        LeadVerdict::Disapprove { reason } if reason.trim().is_empty() => {
            Err(RouteError::Missing("reason"))
        }
        LeadVerdict::Disapprove { .. } => Ok(RouteState::Decided { approved: false }),
        LeadVerdict::ApproveAnyway { .. } if !disagreed => {
            Err(RouteError::CaseNot("disagreed by a branch"))
        }
        LeadVerdict::ApproveAnyway {
            document_no,
            responsibility,
        } => {
            if document_no.trim().is_empty() {
                Err(RouteError::Missing("result document number"))
            } else if responsibility.trim().is_empty() {
                Err(RouteError::Missing("responsibility"))
            } else {
                Ok(RouteState::Decided { approved: true })
            }
        }
    }
}

/// The window records the applicant's supplements: the case resumes its stage and the branches
/// that asked for them reopen.
pub fn supplement(case: RouteState) -> Result<RouteState, RouteError> {
    match case {
        RouteState::Suspended { stage } => Ok(RouteState::Review { stage }),
        _ => Err(RouteError::CaseNot("waiting for supplements")),
    }
}

/// The applicant withdraws: possible until the case is closed.
pub fn withdraw(case: RouteState) -> Result<RouteState, RouteError> {
    if case.is_closed() {
        return Err(RouteError::CaseNot("open"));
    }
    Ok(RouteState::Withdrawn)
}

/// The result is delivered (送达): only a decided case.
pub fn deliver(case: RouteState) -> Result<RouteState, RouteError> {
    match case {
        RouteState::Decided { .. } => Ok(RouteState::Delivered),
        _ => Err(RouteError::CaseNot("decided")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use BranchState::*;

    const REVIEW1: RouteState = RouteState::Review { stage: 1 };

    fn disagree() -> Verdict {
        Verdict::Disagree {
            reason: "消防设计不符合规范".into(),
        }
    }

    #[test]
    fn an_open_branch_agrees_disagrees_or_asks_for_correction() {
        assert_eq!(decide(REVIEW1, Open, 1, &Verdict::Agree), Ok(Agreed));
        assert_eq!(decide(REVIEW1, Open, 1, &disagree()), Ok(Disagreed));
        let c = Verdict::Correction {
            missing: "消防设计图纸".into(),
        };
        assert_eq!(decide(REVIEW1, Open, 1, &c), Ok(Correction));
    }

    #[test]
    fn a_disagreement_needs_a_reason_and_a_correction_its_materials() {
        let d = Verdict::Disagree { reason: " ".into() };
        assert_eq!(
            decide(REVIEW1, Open, 1, &d),
            Err(RouteError::Missing("reason"))
        );
        let c = Verdict::Correction { missing: "".into() };
        assert_eq!(
            decide(REVIEW1, Open, 1, &c),
            Err(RouteError::Missing("missing materials"))
        );
    }

    #[test]
    fn deciding_twice_or_a_closed_branch_is_refused() {
        for b in [Agreed, Disagreed, Correction, DeemedAgreed, Closed] {
            assert_eq!(
                decide(REVIEW1, b, 1, &Verdict::Agree),
                Err(RouteError::BranchDecided),
                "{b:?}"
            );
        }
    }

    #[test]
    fn deciding_on_a_withdrawn_suspended_or_decided_case_is_refused() {
        for c in [
            RouteState::Withdrawn,
            RouteState::Delivered,
            RouteState::Suspended { stage: 1 },
            RouteState::Lead { disagreed: false },
            RouteState::Decided { approved: true },
        ] {
            assert_eq!(
                decide(c, Open, 1, &Verdict::Agree),
                Err(RouteError::CaseNot("under review")),
                "{c:?}"
            );
        }
    }

    #[test]
    fn a_branch_of_another_stage_waits_its_turn() {
        assert_eq!(
            decide(REVIEW1, Open, 2, &Verdict::Agree),
            Err(RouteError::WrongStage)
        );
    }

    #[test]
    fn the_join_waits_then_moves_on_or_goes_to_the_lead() {
        assert_eq!(join(1, 2, 3, &[Agreed, Open, Agreed]), Ok(Next::Wait));
        assert_eq!(
            join(1, 2, 3, &[Agreed, DeemedAgreed, Agreed]),
            Ok(Next::Stage(2))
        );
        assert_eq!(
            join(2, 2, 1, &[Agreed]),
            Ok(Next::Lead { disagreed: false })
        );
        assert_eq!(
            join(1, 2, 3, &[Agreed, Disagreed, Agreed]),
            Ok(Next::Lead { disagreed: true })
        );
        // A disagreement goes to the lead only when the whole stage has answered.
        assert_eq!(join(1, 2, 2, &[Disagreed, Open]), Ok(Next::Wait));
        assert_eq!(join(1, 2, 2, &[Correction, Open]), Ok(Next::Suspend));
    }

    #[test]
    fn a_join_with_a_branch_missing_is_refused() {
        assert_eq!(
            join(1, 1, 3, &[Agreed, Agreed]),
            Err(RouteError::IncompleteStage)
        );
    }

    #[test]
    fn the_case_follows_the_join() {
        assert_eq!(after(REVIEW1, Next::Wait), REVIEW1);
        assert_eq!(
            after(REVIEW1, Next::Stage(2)),
            RouteState::Review { stage: 2 }
        );
        assert_eq!(
            after(REVIEW1, Next::Suspend),
            RouteState::Suspended { stage: 1 }
        );
        assert_eq!(
            after(REVIEW1, Next::Lead { disagreed: true }),
            RouteState::Lead { disagreed: true }
        );
    }

    #[test]
    fn silence_consents_only_where_the_item_says_so() {
        assert_eq!(lapse(Open, true), Some(DeemedAgreed));
        assert_eq!(lapse(Open, false), None);
        assert_eq!(lapse(Agreed, true), None);
    }

    #[test]
    fn the_lead_decides_with_a_document_number_or_a_reason() {
        let lead = RouteState::Lead { disagreed: false };
        let ok = LeadVerdict::Approve {
            document_no: "建许〔2026〕12号".into(),
        };
        assert_eq!(
            lead_decide(lead, &ok),
            Ok(RouteState::Decided { approved: true })
        );
        let no_doc = LeadVerdict::Approve {
            document_no: " ".into(),
        };
        assert_eq!(
            lead_decide(lead, &no_doc),
            Err(RouteError::Missing("result document number"))
        );
        let no = LeadVerdict::Disapprove { reason: "".into() };
        assert_eq!(lead_decide(lead, &no), Err(RouteError::Missing("reason")));
        assert_eq!(
            lead_decide(REVIEW1, &ok),
            Err(RouteError::CaseNot("waiting for the lead department"))
        );
    }

    #[test]
    fn approving_over_a_disagreement_records_the_responsibility() {
        let lead = RouteState::Lead { disagreed: true };
        let plain = LeadVerdict::Approve {
            document_no: "12".into(),
        };
        assert_eq!(
            lead_decide(lead, &plain),
            Err(RouteError::Missing("responsibility"))
        );
        let anyway = LeadVerdict::ApproveAnyway {
            document_no: "12".into(),
            responsibility: "经联席会议研究，由牵头部门承担审批责任".into(),
        };
        assert_eq!(
            lead_decide(lead, &anyway),
            Ok(RouteState::Decided { approved: true })
        );
        assert_eq!(
            lead_decide(RouteState::Lead { disagreed: false }, &anyway),
            Err(RouteError::CaseNot("disagreed by a branch"))
        );
    }

    #[test]
    fn supplements_resume_withdrawal_and_delivery_close() {
        assert_eq!(
            supplement(RouteState::Suspended { stage: 2 }),
            Ok(RouteState::Review { stage: 2 })
        );
        assert!(supplement(REVIEW1).is_err());
        assert_eq!(withdraw(REVIEW1), Ok(RouteState::Withdrawn));
        assert_eq!(
            withdraw(RouteState::Suspended { stage: 1 }),
            Ok(RouteState::Withdrawn)
        );
        assert!(withdraw(RouteState::Withdrawn).is_err());
        assert!(withdraw(RouteState::Delivered).is_err());
        assert_eq!(
            deliver(RouteState::Decided { approved: false }),
            Ok(RouteState::Delivered)
        );
        assert!(deliver(REVIEW1).is_err());
        assert!(deliver(RouteState::Withdrawn).is_err());
    }

    #[test]
    fn states_round_trip_through_the_database_form() {
        for s in [
            REVIEW1,
            RouteState::Lead { disagreed: true },
            RouteState::Lead { disagreed: false },
            RouteState::Suspended { stage: 3 },
            RouteState::Decided { approved: true },
            RouteState::Decided { approved: false },
            RouteState::Delivered,
            RouteState::Withdrawn,
        ] {
            let (state, stage) = s.to_db();
            let back = RouteState::from_db(state, stage);
            match s {
                RouteState::Review { .. } | RouteState::Suspended { .. } => {
                    assert_eq!(back, Some(s))
                }
                _ => assert_eq!(back.map(|b| b.to_db().0), Some(state)),
            }
        }
        for b in [Open, Agreed, Disagreed, Correction, DeemedAgreed, Closed] {
            assert_eq!(BranchState::parse(b.as_str()), Some(b));
        }
    }
}
