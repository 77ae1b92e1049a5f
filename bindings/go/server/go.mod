module github.com/veclite/veclite/bindings/go/server

go 1.26.0

require (
	github.com/milvus-io/milvus-proto/go-api/v2 v2.6.18
	github.com/veclite/veclite/bindings/go v0.0.0
	google.golang.org/grpc v1.85.0
	google.golang.org/protobuf v1.36.12
)

require (
	golang.org/x/net v0.60.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
	golang.org/x/text v0.42.0 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20261123191846-1e707ab9fbc2 // indirect
)

replace github.com/veclite/veclite/bindings/go => ../
