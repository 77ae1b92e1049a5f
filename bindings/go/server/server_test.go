package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/milvus-io/milvus-proto/go-api/v2/commonpb"
	"github.com/milvus-io/milvus-proto/go-api/v2/milvuspb"
	"github.com/milvus-io/milvus-proto/go-api/v2/schemapb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"

	"github.com/veclite/veclite/bindings/go/client"
)

func TestAddressPolicy(t *testing.T) {
	cases := []struct {
		addr            string
		token, insecure bool
		ok              bool
	}{
		{"127.0.0.1:19530", false, false, true},
		{"localhost:0", false, false, true},
		{"[::1]:19530", false, false, true},
		{"unix:/tmp/x.sock", false, false, true},
		{"unix:", false, false, false},
		{"0.0.0.0:19530", false, false, false},
		{"0.0.0.0:19530", true, false, true},
		{"0.0.0.0:19530", false, true, true},
		{"nonsense", false, false, false},
	}
	for _, c := range cases {
		err := checkAddress(c.addr, c.token, c.insecure)
		if (err == nil) != c.ok {
			t.Errorf("checkAddress(%q, token=%v, insecure=%v) = %v, want ok=%v", c.addr, c.token, c.insecure, err, c.ok)
		}
	}
}

func TestFlagsAreCheckedBeforeAnythingOpens(t *testing.T) {
	var stderr bytes.Buffer
	dir := filepath.Join(t.TempDir(), "db")
	for _, args := range [][]string{
		{},
		{"--dir", dir, "--sync", "sometimes"},
		{"--dir", dir, "--address", "0.0.0.0:0"},
		{"--dir", dir, "extra"},
	} {
		if code := run(args, &bytes.Buffer{}, &stderr); code != 2 {
			t.Errorf("run(%q) = %d, want 2", args, code)
		}
	}
	if !strings.Contains(stderr.String(), "not a loopback address") {
		t.Errorf("stderr %q does not explain the refused address", stderr.String())
	}
}

func TestAuthorizationForms(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	for value, want := range map[string]bool{
		"tok":                  true,
		b64("tok"):             true,
		b64("root:tok"):        true,
		"Bearer " + b64("tok"): true,
		b64("root:other"):      false,
		"other":                false,
	} {
		ctx := metadata.NewIncomingContext(context.Background(), metadata.Pairs("authorization", value))
		if got := authorized(ctx, "tok"); got != want {
			t.Errorf("authorization %q: authorized = %v, want %v", value, got, want)
		}
	}
	if authorized(context.Background(), "tok") {
		t.Error("a call without metadata is authorized")
	}
}

func TestStatusResponseFillsTheMethodsOwnResponse(t *testing.T) {
	st := &commonpb.Status{Code: codeUnimplemented, Reason: "no"}
	resp, err := statusResponse("/milvus.proto.milvus.MilvusService/SelectUser", st)
	if err != nil {
		t.Fatal(err)
	}
	sel, ok := resp.(*milvuspb.SelectUserResponse)
	if !ok || sel.GetStatus().GetCode() != codeUnimplemented {
		t.Fatalf("SelectUser response = %#v", resp)
	}
	resp, err = statusResponse("/milvus.proto.milvus.MilvusService/CreateCredential", st)
	if err != nil || resp.(*commonpb.Status).GetReason() != "no" {
		t.Fatalf("CreateCredential response = %#v, %v", resp, err)
	}
}

// serve starts the service on a loopback port over a fresh database and returns a client.
func serve(t *testing.T, token string) milvuspb.MilvusServiceClient {
	t.Helper()
	c, _ := serveToken(t, token)
	return c
}

// serveWith is serve without a token, also returning the database.
func serveWith(t testing.TB) (milvuspb.MilvusServiceClient, *client.EmbeddedClient) {
	return serveToken(t, "")
}

func serveToken(t testing.TB, token string) (milvuspb.MilvusServiceClient, *client.EmbeddedClient) {
	t.Helper()
	db, err := client.NewEmbeddedClient(context.Background(), client.Config{Address: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := newGRPCServer(newService(db), token)
	go srv.Serve(l)
	conn, err := grpc.NewClient(l.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn.Close()
		srv.GracefulStop()
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	return milvuspb.NewMilvusServiceClient(conn), db
}

func TestUnservedRPCsAnswerWithAStatus(t *testing.T) {
	c := serve(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := c.CreateCredential(ctx, &milvuspb.CreateCredentialRequest{Username: "a"})
	if err != nil || st.GetCode() != codeUnimplemented || !strings.Contains(st.GetReason(), "CreateCredential") {
		t.Fatalf("CreateCredential = %v, %v", st, err)
	}
	rg, err := c.ListResourceGroups(ctx, &milvuspb.ListResourceGroupsRequest{})
	if err != nil || rg.GetStatus().GetCode() != codeUnimplemented {
		t.Fatalf("ListResourceGroups = %v, %v", rg, err)
	}
}

func TestTokenIsRequiredOnEveryCall(t *testing.T) {
	c := serve(t, "tok")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := c.ShowCollections(ctx, &milvuspb.ShowCollectionsRequest{})
	if err != nil || r.GetStatus().GetCode() != codeNotAuthenticated {
		t.Fatalf("without a token: %v, %v", r, err)
	}
	authed := metadata.AppendToOutgoingContext(ctx, "authorization", base64.StdEncoding.EncodeToString([]byte("root:tok")))
	r, err = c.ShowCollections(authed, &milvuspb.ShowCollectionsRequest{})
	if err != nil || r.GetStatus().GetCode() != 0 {
		t.Fatalf("with the token: %v, %v", r, err)
	}
}

func TestWriteSearchQueryRoundTrip(t *testing.T) {
	c := serve(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	schema, _ := proto.Marshal(&schemapb.CollectionSchema{Name: "c", Fields: []*schemapb.FieldSchema{
		{Name: "id", DataType: schemapb.DataType_Int64, IsPrimaryKey: true},
		{Name: "v", DataType: schemapb.DataType_FloatVector, TypeParams: []*commonpb.KeyValuePair{{Key: "dim", Value: "2"}}},
	}})
	if st, err := c.CreateCollection(ctx, &milvuspb.CreateCollectionRequest{CollectionName: "c", Schema: schema}); err != nil || st.GetCode() != 0 {
		t.Fatalf("CreateCollection: %v, %v", st, err)
	}
	ins, err := c.Insert(ctx, &milvuspb.InsertRequest{CollectionName: "c", NumRows: 3, FieldsData: []*schemapb.FieldData{
		{FieldName: "id", Type: schemapb.DataType_Int64, Field: &schemapb.FieldData_Scalars{Scalars: &schemapb.ScalarField{
			Data: &schemapb.ScalarField_LongData{LongData: &schemapb.LongArray{Data: []int64{1, 2, 3}}}}}},
		{FieldName: "v", Type: schemapb.DataType_FloatVector, Field: &schemapb.FieldData_Vectors{Vectors: &schemapb.VectorField{
			Dim: 2, Data: &schemapb.VectorField_FloatVector{FloatVector: &schemapb.FloatArray{Data: []float32{0, 0, 1, 0, 5, 5}}}}}},
	}})
	if err != nil || ins.GetStatus().GetCode() != 0 || ins.GetInsertCnt() != 3 {
		t.Fatalf("Insert: %v, %v", ins, err)
	}
	pg, _ := proto.Marshal(&commonpb.PlaceholderGroup{Placeholders: []*commonpb.PlaceholderValue{{
		Tag: "$0", Type: commonpb.PlaceholderType_FloatVector, Values: [][]byte{{0, 0, 0x80, 0x3f, 0, 0, 0, 0}}, // [1, 0]
	}}})
	sr, err := c.Search(ctx, &milvuspb.SearchRequest{CollectionName: "c", Nq: 1,
		SearchInput:  &milvuspb.SearchRequest_PlaceholderGroup{PlaceholderGroup: pg},
		OutputFields: []string{"v"},
		SearchParams: []*commonpb.KeyValuePair{{Key: "topk", Value: "2"}, {Key: "metric_type", Value: "L2"}, {Key: "anns_field", Value: "v"}},
	})
	if err != nil || sr.GetStatus().GetCode() != 0 {
		t.Fatalf("Search: %v, %v", sr, err)
	}
	res := sr.GetResults()
	if got := res.GetIds().GetIntId().GetData(); len(got) != 2 || got[0] != 2 || got[1] != 1 {
		t.Fatalf("search ids = %v, want [2 1]", got)
	}
	if v := res.GetFieldsData()[0].GetVectors().GetFloatVector().GetData(); len(v) != 4 || v[0] != 1 || v[2] != 0 {
		t.Fatalf("search vectors = %v", v)
	}
	q, err := c.Query(ctx, &milvuspb.QueryRequest{CollectionName: "c", Expr: "id >= 2", OutputFields: []string{"count(*)"}})
	if err != nil || q.GetFieldsData()[0].GetScalars().GetLongData().GetData()[0] != 2 {
		t.Fatalf("count(*) = %v, %v", q, err)
	}
	miss, err := c.DescribeCollection(ctx, &milvuspb.DescribeCollectionRequest{CollectionName: "nope"})
	if err != nil || miss.GetStatus().GetCode() != codeCollectionNotFound || miss.GetStatus().GetErrorCode() != commonpb.ErrorCode_CollectionNotExists {
		t.Fatalf("DescribeCollection(nope) = %v, %v", miss, err)
	}
}

func TestAPanicBecomesAStatus(t *testing.T) {
	info := &grpc.UnaryServerInfo{FullMethod: "/milvus.proto.milvus.MilvusService/ShowCollections"}
	resp, err := recoverInterceptor(context.Background(), nil, info, func(context.Context, any) (any, error) {
		panic("boom")
	})
	r, ok := resp.(*milvuspb.ShowCollectionsResponse)
	if err != nil || !ok || r.GetStatus().GetCode() != codeUnexpected || !strings.Contains(r.GetStatus().GetReason(), "boom") {
		t.Fatalf("panic answered with %v, %v", resp, err)
	}
}
