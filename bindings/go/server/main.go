// Command veclite-server serves a veclite database over Milvus's gRPC protocol, so that Milvus
// clients (pymilvus, the Go SDKs, and the tools built on them) reach it by changing their URI.
//
//	veclite-server --dir DIR [--address 127.0.0.1:19530 | unix:/path.sock] [--token T]
//	               [--insecure] [--sync every_write|interval|none]
//
// The server binds loopback by default and refuses any other address unless --token is set
// or --insecure is given. SIGINT or SIGTERM stops accepting calls, lets the calls in flight
// finish (a second signal, or 30 s, cancels them), then flushes and closes the database.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/milvus-io/milvus-proto/go-api/v2/milvuspb"
	"google.golang.org/grpc"

	"github.com/veclite/veclite/bindings/go/client"
)

// Milvus's default gRPC message limits (proxy.grpc.serverMaxRecvSize / serverMaxSendSize).
const (
	maxRecvMsgSize = 256 << 20
	maxSendMsgSize = 512 << 20
)

// options are the parsed command-line flags.
type options struct {
	dir      string
	address  string
	token    string
	insecure bool
	sync     client.SyncPolicy
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "migrate" {
		os.Exit(runMigrate(os.Args[2:], os.Stdout, os.Stderr))
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// parseFlags parses and checks the serve flags.
func parseFlags(args []string, stderr io.Writer) (*options, error) {
	fs := flag.NewFlagSet("veclite-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := &options{}
	var sync string
	fs.StringVar(&o.dir, "dir", "", "database directory (created if missing)")
	fs.StringVar(&o.address, "address", "127.0.0.1:19530", "host:port or unix:/path.sock to listen on")
	fs.StringVar(&o.token, "token", "", "token clients must send (token, or base64 user:password whose user:password equals it)")
	fs.BoolVar(&o.insecure, "insecure", false, "allow a non-loopback address without --token")
	fs.StringVar(&sync, "sync", "every_write", "WAL sync policy: every_write, interval or none")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.dir == "" {
		return nil, errors.New("--dir is required")
	}
	switch sync {
	case "every_write":
		o.sync = client.SyncEveryWrite
	case "interval":
		o.sync = client.SyncInterval
	case "none":
		o.sync = client.SyncNone
	default:
		return nil, fmt.Errorf("--sync %q: want every_write, interval or none", sync)
	}
	if err := checkAddress(o.address, o.token != "", o.insecure); err != nil {
		return nil, err
	}
	return o, nil
}

// checkAddress refuses a TCP address that is not loopback unless a token protects it or the
// operator asked for an insecure server.
func checkAddress(address string, hasToken, insecure bool) error {
	if strings.HasPrefix(address, "unix:") {
		if strings.TrimPrefix(address, "unix:") == "" {
			return errors.New("--address unix: needs a socket path")
		}
		return nil
	}
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("--address %q: %v", address, err)
	}
	if isLoopback(host) || hasToken || insecure {
		return nil
	}
	return fmt.Errorf("--address %q is not a loopback address: set --token (or --insecure to serve without authentication)", address)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// listen opens the listener: a unix socket for "unix:PATH", TCP otherwise.
func listen(address string) (net.Listener, string, error) {
	if path, ok := strings.CutPrefix(address, "unix:"); ok {
		l, err := net.Listen("unix", path)
		if err != nil {
			return nil, "", err
		}
		return l, "unix:" + path, nil
	}
	l, err := net.Listen("tcp", address)
	if err != nil {
		return nil, "", err
	}
	return l, "http://" + l.Addr().String(), nil
}

// run serves until SIGINT or SIGTERM; it returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "veclite-server:", err)
		return 2
	}
	db, err := client.NewEmbeddedClient(context.Background(), client.Config{Address: o.dir, SyncPolicy: o.sync})
	if err != nil {
		fmt.Fprintln(stderr, "veclite-server:", err)
		return 1
	}
	l, uri, err := listen(o.address)
	if err != nil {
		db.Close()
		fmt.Fprintln(stderr, "veclite-server:", err)
		return 1
	}
	svc := newService(db)
	srv := newGRPCServer(svc, o.token)
	fmt.Fprintf(stdout, "veclite-server %s serving %s at %s\n", client.Version(), o.dir, uri)
	if f, ok := stdout.(*os.File); ok {
		f.Sync()
	}

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	code := 0
	select {
	case s := <-sigs:
		fmt.Fprintf(stderr, "veclite-server: %v: draining calls in flight\n", s)
		drain(srv, sigs, stderr)
		<-served
	case err := <-served:
		fmt.Fprintln(stderr, "veclite-server:", err)
		code = 1
	}
	signal.Stop(sigs)
	if err := svc.dbs.close(); err != nil {
		fmt.Fprintln(stderr, "veclite-server: close:", err)
		return 1
	}
	fmt.Fprintln(stderr, "veclite-server: database closed")
	return code
}

// drainTimeout bounds how long a stop waits for the calls in flight.
const drainTimeout = 30 * time.Second

// drain stops srv gracefully; a second signal, or drainTimeout, cancels the calls still in
// flight (the engine sees their contexts cancelled) so the database can close.
func drain(srv *grpc.Server, sigs <-chan os.Signal, stderr io.Writer) {
	done := make(chan struct{})
	go func() {
		srv.GracefulStop()
		close(done)
	}()
	select {
	case <-done:
		return
	case s := <-sigs:
		fmt.Fprintf(stderr, "veclite-server: %v: cancelling calls in flight\n", s)
	case <-time.After(drainTimeout):
		fmt.Fprintf(stderr, "veclite-server: calls still in flight after %v: cancelling them\n", drainTimeout)
	}
	srv.Stop()
	<-done
}

// newGRPCServer builds the gRPC server with Milvus's message limits, authentication (when
// token is set) and the fallback that answers RPCs veclite does not serve with a Milvus status.
func newGRPCServer(svc *service, token string) *grpc.Server {
	srv := grpc.NewServer(
		grpc.MaxRecvMsgSize(maxRecvMsgSize),
		grpc.MaxSendMsgSize(maxSendMsgSize),
		grpc.ChainUnaryInterceptor(recoverInterceptor, authInterceptor(token), unimplementedInterceptor, svc.databaseInterceptor),
		grpc.ChainStreamInterceptor(streamAuthInterceptor(token)),
	)
	milvuspb.RegisterMilvusServiceServer(srv, svc)
	return srv
}
