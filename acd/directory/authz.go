package directory

// The authorization rules, in one place so that REST and XMPP agree.

// AuthorizeSelf allows actor to act on target's own resources: only the
// user itself, or an administrator.
func AuthorizeSelf(actor, target *User) error {
	if actor == target || actor.IsAdmin() {
		return nil
	}
	return refuse(ErrNotYourUser, actor.ID, "the user in the credentials and the URI do not match")
}

// AuthorizeView allows actor to read target: the user itself, an
// administrator, or a supervisor of target's team.
func AuthorizeView(actor, target *User) error {
	if actor == target || actor.IsAdmin() || actor.SupervisesAgent(target) {
		return nil
	}
	return refuseOther(actor, target)
}

// AuthorizeStateChange allows actor to change target's state: the agent
// itself or a supervisor of its team. Administrators are not agents and
// may not.
func AuthorizeStateChange(actor, target *User) error {
	if actor == target || actor.SupervisesAgent(target) {
		return nil
	}
	return refuseOther(actor, target)
}

func refuseOther(actor, target *User) error {
	if len(actor.Supervises) > 0 {
		return refuse(ErrInvalidSupervisor, target.ID, "the agent is not on a team you supervise")
	}
	return refuse(ErrNotYourUser, actor.ID, "the user in the credentials and the URI do not match")
}

// AuthorizeAdmin allows administrators only.
func AuthorizeAdmin(actor *User) error {
	if actor.IsAdmin() {
		return nil
	}
	return refuse(ErrNotAuthorized, actor.ID, "only an administrator may use this resource")
}

// AuthorizeTeam allows actor to see team t with its members' states: a
// supervisor of t or an administrator.
func AuthorizeTeam(actor *User, t *Team) error {
	if actor.IsAdmin() || actor.SupervisesTeam(t.ID) {
		return nil
	}
	if len(actor.Supervises) > 0 {
		return refuse(ErrInvalidSupervisor, t.ID, "you do not supervise this team")
	}
	return refuse(ErrNotAuthorized, actor.ID, "only the team's supervisors may see it")
}

// AuthorizeTeamResource allows actor to read team t's configuration
// (reason codes, wrap-up reasons, phone books): its agents, its
// supervisors and administrators.
func AuthorizeTeamResource(actor *User, t *Team) error {
	if actor.IsAdmin() || actor.SupervisesTeam(t.ID) || actor.Team == t {
		return nil
	}
	return refuse(ErrNotAuthorized, actor.ID, "you are not on this team")
}
