package transport

import (
	"bytes"
	"container/list"
	"io"
	"net/http"
	"strconv"
	"sync"
)

// Cache holds GET answers that carried an ETag, keyed by a hash of the
// token, the Accept header and the URL, so that a repeated GET is sent
// with If-None-Match and a 304 is answered from memory. Least recently
// used entries go first once the bodies exceed the byte limit. Safe for
// concurrent use.
type Cache struct {
	mu    sync.Mutex
	max   int64
	size  int64
	order *list.List // of *entry, most recent first
	byKey map[string]*list.Element
}

type entry struct {
	key    string
	etag   string
	status int
	header http.Header
	body   []byte
}

// NewCache returns a cache of at most maxBytes of bodies (64 MiB if <= 0).
func NewCache(maxBytes int64) *Cache {
	if maxBytes <= 0 {
		maxBytes = 64 << 20
	}
	return &Cache{max: maxBytes, order: list.New(), byKey: map[string]*list.Element{}}
}

// Len is the number of entries.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byKey)
}

func (c *Cache) get(key string) *entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return nil
	}
	c.order.MoveToFront(el)
	return el.Value.(*entry)
}

func (c *Cache) put(key string, res *http.Response, body []byte) {
	if int64(len(body)) > c.max/4 {
		return
	}
	e := &entry{key: key, etag: res.Header.Get("ETag"), status: res.StatusCode, header: res.Header.Clone(), body: bytes.Clone(body)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		c.size -= int64(len(el.Value.(*entry).body))
		c.order.Remove(el)
	}
	c.byKey[key] = c.order.PushFront(e)
	c.size += int64(len(e.body))
	for c.size > c.max {
		last := c.order.Back()
		old := last.Value.(*entry)
		c.order.Remove(last)
		delete(c.byKey, old.key)
		c.size -= int64(len(old.body))
	}
}

// rateHeaders are taken from the fresh 304 answer, not the cached one.
var rateHeaders = []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Used", "X-RateLimit-Resource", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Date"}

// response rebuilds the cached answer for req.
func (e *entry) response(req *http.Request, fresh http.Header) *http.Response {
	h := e.header.Clone()
	for _, k := range rateHeaders {
		if v := fresh.Values(k); len(v) > 0 {
			h[http.CanonicalHeaderKey(k)] = v
		}
	}
	h.Set("X-From-Cache", "1")
	h.Del("Content-Length")
	return &http.Response{
		Status:        strconv.Itoa(e.status) + " " + http.StatusText(e.status),
		StatusCode:    e.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(e.body)),
		ContentLength: int64(len(e.body)),
		Request:       req,
	}
}
