package cdevents

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/cloudevents/sdk-go/v2/binding"
	ceclient "github.com/cloudevents/sdk-go/v2/client"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"

	"github.com/ssdf-dev/ssdf/report"
)

// Delivery limits.
const (
	// Attempts is the most times one event is sent: the first try and
	// retries after a 5xx (or 429) answer or a network error.
	Attempts = 3
	// AttemptTimeout bounds one HTTP request when the client has no
	// timeout of its own.
	AttemptTimeout = 10 * time.Second
	// TotalTimeout bounds a whole Send.
	TotalTimeout = 30 * time.Second
)

// backoff is the wait before retry n (1-based): 200 ms, 400 ms, …
var backoff = func(n int) time.Duration { return time.Duration(100<<n) * time.Millisecond }

// CheckSink checks that sink is an absolute http or https URL.
func CheckSink(sink string) error {
	u, err := url.Parse(sink)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s: want an http or https URL", Redact(sink))
	}
	return nil
}

// Send posts the events to sink, one HTTP request each, in order, through
// the CloudEvents HTTP binding in binary content mode: the CloudEvents
// attributes travel as ce-* headers (ce-specversion 1.0, ce-id = the
// CDEvent's context.id, ce-source = context.source, ce-type =
// context.type, ce-time = context.timestamp) and the body is the whole
// CDEvent as JSON (Content-Type application/json), as the CDEvents
// CloudEvents binding lays down. Binary mode lets a router dispatch on the
// headers without parsing the body.
//
// An event answered with 5xx or 429, or lost to a network error, is sent
// again, at most Attempts times in all; the whole Send gives up after
// TotalTimeout. The first event that cannot be delivered stops the
// sending: the error names the sink without credentials. client nil means
// a default client.
func Send(ctx context.Context, sink string, events []Event, client *http.Client) error {
	if err := CheckSink(sink); err != nil {
		return err
	}
	name := Redact(sink)
	if client == nil {
		client = &http.Client{Timeout: AttemptTimeout}
	}
	p, err := cehttp.New(cehttp.WithTarget(sink), cehttp.WithClient(*client))
	if err != nil {
		return fmt.Errorf("CDEvents sink %s: %s", name, scrub(err.Error(), sink))
	}
	c, err := ceclient.New(p)
	if err != nil {
		return fmt.Errorf("CDEvents sink %s: %s", name, scrub(err.Error(), sink))
	}
	ctx, cancel := context.WithTimeout(ctx, TotalTimeout)
	defer cancel()
	ctx = binding.WithForceBinary(ctx)
	for i, ev := range events {
		ce, err := cloudEvent(ev)
		if err != nil {
			return fmt.Errorf("CDEvents event %d (%s): %w", i+1, ev.Context.Type, err)
		}
		if err := deliver(ctx, c, ce, client.Timeout == 0); err != nil {
			return fmt.Errorf("CDEvents sink %s: event %d of %d (%s) not delivered: %s",
				name, i+1, len(events), ev.Context.Type, scrub(err.Error(), sink))
		}
	}
	return nil
}

// cloudEvent wraps a CDEvent in a CloudEvent.
func cloudEvent(ev Event) (cloudevents.Event, error) {
	data, err := json.Marshal(ev)
	if err != nil {
		return cloudevents.Event{}, err
	}
	ce := cloudevents.NewEvent(cloudevents.VersionV1)
	ce.SetID(ev.Context.ID)
	ce.SetSource(ev.Context.Source)
	ce.SetType(ev.Context.Type)
	ce.SetTime(ev.Context.Timestamp)
	if err := ce.SetData(cloudevents.ApplicationJSON, data); err != nil {
		return cloudevents.Event{}, err
	}
	return ce, ce.Validate()
}

// deliver sends one event with bounded retries.
func deliver(ctx context.Context, c ceclient.Client, ce cloudevents.Event, ownTimeout bool) error {
	var last error
	for attempt := 1; attempt <= Attempts; attempt++ {
		if attempt > 1 {
			select {
			case <-ctx.Done():
				return fmt.Errorf("%w (after %d attempts; last: %v)", ctx.Err(), attempt-1, last)
			case <-time.After(backoff(attempt - 1)):
			}
		}
		actx, cancel := ctx, context.CancelFunc(func() {})
		if ownTimeout {
			actx, cancel = context.WithTimeout(ctx, AttemptTimeout)
		}
		res := c.Send(actx, ce)
		cancel()
		if cloudevents.IsACK(res) {
			return nil
		}
		last = res
		var hr *cehttp.Result
		switch {
		case cloudevents.ResultAs(res, &hr) && hr.StatusCode != 0:
			if hr.StatusCode < 500 && hr.StatusCode != http.StatusTooManyRequests {
				return fmt.Errorf("HTTP %d", hr.StatusCode)
			}
			last = fmt.Errorf("HTTP %d", hr.StatusCode)
		case ctx.Err() != nil:
			return fmt.Errorf("%w (after %d attempts; last: %v)", ctx.Err(), attempt, res)
		case cloudevents.IsUndelivered(res):
			// Neither ACK nor NACK: the event or the protocol set-up is
			// wrong, and sending again would not help.
			return res
		}
		// A NACK without a status: a network error, worth another try.
	}
	if last == nil {
		last = errors.New("no answer")
	}
	return fmt.Errorf("%v (after %d attempts)", last, Attempts)
}

// scrub removes the sink's credentials and query from an error message
// (net/http's errors quote the URL, with the password masked but the user
// name and query kept).
func scrub(msg, sink string) string {
	u, err := url.Parse(sink)
	if err != nil {
		return strings.ReplaceAll(msg, sink, "(sink)")
	}
	msg = strings.ReplaceAll(msg, sink, Redact(sink))
	if u.RawQuery != "" {
		msg = strings.ReplaceAll(msg, "?"+u.RawQuery, "")
	}
	if u.User != nil {
		name := u.User.Username()
		if pw, ok := u.User.Password(); ok && pw != "" {
			msg = strings.ReplaceAll(msg, pw, "***")
		}
		for _, s := range []string{u.User.String() + "@", name + ":***@", name + ":xxxxx@", name + "@"} {
			msg = strings.ReplaceAll(msg, s, "")
		}
		if len(name) >= 3 {
			msg = strings.ReplaceAll(msg, name, "***")
		}
	}
	return msg
}

// Emit builds the events of rep and sends them to sink (see Send).
func Emit(ctx context.Context, sink string, rep *report.Report, client *http.Client) error {
	events, err := Events(rep)
	if err != nil {
		return err
	}
	return Send(ctx, sink, events, client)
}
