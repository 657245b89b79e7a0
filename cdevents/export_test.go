package cdevents

import "time"

// SetBackoff replaces the retry backoff and returns the old one.
func SetBackoff(f func(int) time.Duration) func(int) time.Duration {
	old := backoff
	backoff = f
	return old
}
