package acd

// participantDrop drops another agent from a conference (PARTICIPANT_DROP,
// Finesse's intercept when a supervisor drops the agent it barged in on):
// the agent leaves as after any call, wrap-up included, and the others
// talk on. The actor must be allowed to drop others (mayDropOthers), and
// the target must be an agent's device on the call (the JS library offers
// only those), not the actor's own: that is DROP. It returns the agent
// dropped, who may take the next call.
func (e *Engine) participantDrop(tx Tx, u *User, a Agent, d Dialog, req DialogRequest) ([]string, error) {
	p, onIt := d.party(u.ID)
	if !onIt || !e.allowed(d, *p, req.Action) {
		tx.Emit(e.actionRefused(u.ID, d.ID, req, a.Extension))
		return nil, nil
	}
	target := -1
	for i, q := range d.Parties {
		if q.Address == req.TargetMediaAddress && q.Agent != "" && q.Agent != u.ID && (q.State == PartyActive || q.State == PartyHeld) {
			target = i
		}
	}
	if target < 0 {
		tx.Emit(e.actionRefused(u.ID, d.ID, req, a.Extension))
		return nil, nil
	}
	dropped := d.Parties[target].Agent
	return []string{dropped}, e.leaveConference(tx, d, dropped, req.RequestID)
}
