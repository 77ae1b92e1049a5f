//go:build !veclitedebug && cgo

package client

func maybeGC() {}
