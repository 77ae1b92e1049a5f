package main

import (
	"fmt"
	"io"
)

// runMigrate copies collections between a veclite directory and a Milvus server.
func runMigrate(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "veclite-server migrate: not implemented yet")
	return 2
}
