//go:build cgo

package client

import (
	"regexp"
	"strings"
)

// serverAddress matches what a Milvus SDK takes for a server: a URI scheme ("http://",
// "grpc://", ...), "unix:", or a bare host:port ("localhost:19530", "10.0.0.7:19530",
// "[::1]:19530").
var serverAddress = regexp.MustCompile(`^(?i:[a-z][a-z0-9+.-]*://|unix:)|^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):[0-9]+$`)

// localDir returns the database directory an Address names. "file://" is stripped; an empty
// address, or one that looks like a Milvus server's (see serverAddress), is an error: veclite
// opens a local directory in this process and would otherwise create a directory named after
// the server.
func localDir(address string) (string, error) {
	dir := strings.TrimPrefix(address, "file://")
	if strings.TrimSpace(dir) == "" {
		return "", newErr(StatusInvalidArgument, "address is empty: veclite opens a local directory path (e.g. \"./milvus_data\")")
	}
	if serverAddress.MatchString(dir) {
		return "", newErr(StatusInvalidArgument, "address %q looks like a Milvus server address: veclite opens a local "+
			"directory path in this process (a server mode is not available in-process); pass a directory such as "+
			"\"./milvus_data\"", address)
	}
	return dir, nil
}

// checkServerConfig refuses the Config fields that only mean something to a Milvus server
// (authentication, TLS, retries, lazy connection): veclite would have to ignore them.
func checkServerConfig(config Config) error {
	switch {
	case config.Username != "" || config.Password != "" || config.APIKey != "":
		return featureErr("authentication (Config.Username / Password / APIKey): veclite opens a local directory and has no users")
	case config.Identifier != "":
		return featureErr("Config.Identifier (a server-side connection name)")
	case config.EnableTLSAuth:
		return featureErr("Config.EnableTLSAuth (there is no connection to secure)")
	case config.ServerVersion != "":
		return featureErr("Config.ServerVersion (there is no server)")
	case config.RetryRateLimit != nil:
		return featureErr("Config.RetryRateLimit (veclite has no rate limits to retry)")
	case config.DisableConn:
		return featureErr("Config.DisableConn (NewClient always opens the directory)")
	}
	return nil
}
