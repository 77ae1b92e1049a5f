//go:build !veclitedebug

package client

func maybeGC() {}
