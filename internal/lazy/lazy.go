// Package lazy holds values opened on first use. Sources that travel inside task graphs
// to other processes carry the way to open them again (a store and a path), not what an
// open one has read; each process opens them once, when a task first reads them.
package lazy

import "sync"

// Value is opened on first use, once however many goroutines use it.
type Value[T any] struct {
	once sync.Once
	open func() (T, error)
	v    T
	err  error
}

// New is a value that open gives on first use.
func New[T any](open func() (T, error)) *Value[T] { return &Value[T]{open: open} }

// Get opens the value, the first time, and returns it.
func (r *Value[T]) Get() (T, error) {
	r.once.Do(func() { r.v, r.err = r.open() })
	return r.v, r.err
}

// Or is the opened value when r is set and opens, else self: for methods that return no
// error (the read that follows reports it).
func Or[T any](self T, r *Value[T]) T {
	if r == nil {
		return self
	}
	if v, err := r.Get(); err == nil {
		return v
	}
	return self
}
