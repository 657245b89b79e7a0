package snapshot

// Tracker holds what the designated tracker said about the tickets the
// policy's exceptions name (audit-exceptions-tracked, PO.3.3). Consulted
// is false when no tracker was read; Reason then says why (no tracker
// configured, or it could not be opened), and the check keeps to what the
// policy itself says.
type Tracker struct {
	Consulted bool   `json:"consulted"`
	Reason    string `json:"reason,omitempty"`
	// Kind is the tracker's kind ("github", "gitlab", "redmine", ...).
	Kind string `json:"kind,omitempty"`
	// Tickets is keyed by the exception's `ticket` reference exactly as
	// the policy writes it.
	Tickets map[string]TicketState `json:"tickets,omitempty"`
}

// TicketState is one ticket as the tracker reported it. Error is set when
// reading it failed: the other fields are then unknown, not false.
type TicketState struct {
	Exists   bool   `json:"exists"`
	Open     bool   `json:"open,omitempty"`
	Approved bool   `json:"approved,omitempty"`
	Status   string `json:"status,omitempty"`
	Error    string `json:"error,omitempty"`
}
