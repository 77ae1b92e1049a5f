package main

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"log"
	"runtime/debug"
	"strings"

	"github.com/milvus-io/milvus-proto/go-api/v2/commonpb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// authorized reports whether the call's `authorization` metadata carries token: the token
// itself, or base64 of it, or base64 of "user:password" whose password is the token (Milvus
// clients send base64 "user:password", or base64 of an API key).
func authorized(ctx context.Context, token string) bool {
	md, _ := metadata.FromIncomingContext(ctx)
	for _, v := range md.Get("authorization") {
		v = strings.TrimSpace(strings.TrimPrefix(v, "Bearer "))
		if equal(v, token) {
			return true
		}
		raw, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			continue
		}
		s := string(raw)
		if equal(s, token) {
			return true
		}
		if _, password, ok := strings.Cut(s, ":"); ok && equal(password, token) {
			return true
		}
	}
	return false
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

const authFailure = "veclite-server: missing or wrong authorization (start the client with the server's --token)"

// authInterceptor rejects unary calls without the token (when token is set) with Milvus's
// "not authenticated" status in the method's response.
func authInterceptor(token string) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		if token == "" || authorized(ctx, token) {
			return handler(ctx, req)
		}
		return statusResponse(info.FullMethod, &commonpb.Status{
			ErrorCode: commonpb.ErrorCode_NotReadyServe, Code: codeNotAuthenticated, Reason: authFailure,
		})
	}
}

// streamAuthInterceptor rejects streaming calls without the token (when token is set).
func streamAuthInterceptor(token string) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		if token == "" || authorized(ss.Context(), token) {
			return handler(srv, ss)
		}
		return status.Error(codes.Unauthenticated, authFailure)
	}
}

// recoverInterceptor turns a panic in a handler into an error status (the stack goes to the
// server's log), so one bad call cannot take the server down.
func recoverInterceptor(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
	defer func() {
		if p := recover(); p != nil {
			log.Printf("veclite-server: panic in %s: %v\n%s", info.FullMethod, p, debug.Stack())
			resp, err = statusResponse(info.FullMethod, &commonpb.Status{
				ErrorCode: commonpb.ErrorCode_UnexpectedError, Code: codeUnexpected,
				Reason: fmt.Sprintf("veclite-server: internal error in %s: %v", info.FullMethod, p),
			})
		}
	}()
	return handler(ctx, req)
}

// unimplementedInterceptor answers an RPC veclite does not serve (the generated base's
// codes.Unimplemented) with the method's own response carrying Milvus's "service unimplemented"
// status, which clients raise as an error naming the RPC.
func unimplementedInterceptor(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	resp, err := handler(ctx, req)
	if status.Code(err) != codes.Unimplemented {
		return resp, err
	}
	method := info.FullMethod[strings.LastIndex(info.FullMethod, "/")+1:]
	return statusResponse(info.FullMethod, &commonpb.Status{
		ErrorCode: commonpb.ErrorCode_UnexpectedError, Code: codeUnimplemented,
		Reason: fmt.Sprintf("veclite-server does not support %s", method),
	})
}

// statusResponse builds the response message of fullMethod ("/pkg.Service/Method") holding st:
// st itself when the method returns a Status, else a new response with its status field set.
// A method whose response has no status field gets a gRPC error instead.
func statusResponse(fullMethod string, st *commonpb.Status) (any, error) {
	svc, method, ok := strings.Cut(strings.TrimPrefix(fullMethod, "/"), "/")
	if !ok {
		return nil, status.Error(codes.Internal, st.GetReason())
	}
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(svc))
	if err != nil {
		return nil, status.Error(codes.Unimplemented, st.GetReason())
	}
	sd, ok := d.(protoreflect.ServiceDescriptor)
	if !ok {
		return nil, status.Error(codes.Unimplemented, st.GetReason())
	}
	md := sd.Methods().ByName(protoreflect.Name(method))
	if md == nil {
		return nil, status.Error(codes.Unimplemented, st.GetReason())
	}
	out := md.Output()
	if out.FullName() == (&commonpb.Status{}).ProtoReflect().Descriptor().FullName() {
		return st, nil
	}
	mt, err := protoregistry.GlobalTypes.FindMessageByName(out.FullName())
	if err != nil {
		return nil, status.Error(codes.Unimplemented, st.GetReason())
	}
	msg := mt.New()
	fd := out.Fields().ByName("status")
	if fd == nil || fd.Message() == nil || fd.Message().FullName() != st.ProtoReflect().Descriptor().FullName() {
		return nil, status.Error(codes.Unimplemented, st.GetReason())
	}
	msg.Set(fd, protoreflect.ValueOfMessage(proto.Clone(st).ProtoReflect()))
	return msg.Interface(), nil
}
