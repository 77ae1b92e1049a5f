package main

import (
	"context"
	"errors"

	"github.com/milvus-io/milvus-proto/go-api/v2/commonpb"

	"github.com/veclite/veclite/bindings/go/client"
)

// Milvus's numeric error codes (the `code` field of commonpb.Status), which clients map to
// exceptions.
const (
	codeUnimplemented        int32 = 10
	codeCollectionNotFound   int32 = 100
	codeCollectionNotLoaded  int32 = 101
	codePartitionNotFound    int32 = 200
	codePartitionNotLoaded   int32 = 201
	codeIndexNotFound        int32 = 700
	codeIndexNotSupported    int32 = 701
	codeIndexDuplicate       int32 = 702
	codeDatabaseNotFound     int32 = 800
	codeIOFailed             int32 = 1001
	codeParameterInvalid     int32 = 1100
	codeParameterMissing     int32 = 1101
	codeNotAuthenticated     int32 = 1400
	codeAliasNotFound        int32 = 1600
	codeAliasAlreadyExist    int32 = 1602
	codeFieldNotFound        int32 = 1700
	codeOperationUnsupported int32 = 3000
	codeCanceled             int32 = 10000
	codeTimeout              int32 = 10001
	codeUnexpected           int32 = 65535
)

func success() *commonpb.Status { return &commonpb.Status{ErrorCode: commonpb.ErrorCode_Success} }

// errStatus is the Milvus status of an engine error: the numeric code and legacy ErrorCode
// Milvus uses for the same condition, and the engine's message as the reason.
func errStatus(err error) *commonpb.Status {
	if err == nil {
		return success()
	}
	st := &commonpb.Status{ErrorCode: commonpb.ErrorCode_UnexpectedError, Code: codeUnexpected, Reason: err.Error()}
	var ve *client.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		st.Code = codeTimeout
	case errors.Is(err, context.Canceled):
		st.Code = codeCanceled
	case errors.Is(err, client.ErrFeatureNotSupported):
		st.Code = codeOperationUnsupported
	case errors.As(err, &ve):
		st.ErrorCode, st.Code = engineCode(ve)
	}
	return st
}

// engineCode maps an engine status (and the kind of object it names) to Milvus's codes.
func engineCode(e *client.Error) (commonpb.ErrorCode, int32) {
	switch e.Code {
	case client.StatusNotFound:
		switch e.Kind {
		case client.ObjectCollection:
			return commonpb.ErrorCode_CollectionNotExists, codeCollectionNotFound
		case client.ObjectPartition:
			return commonpb.ErrorCode_UnexpectedError, codePartitionNotFound
		case client.ObjectIndex:
			return commonpb.ErrorCode_IndexNotExist, codeIndexNotFound
		case client.ObjectAlias:
			return commonpb.ErrorCode_UnexpectedError, codeAliasNotFound
		case client.ObjectField:
			return commonpb.ErrorCode_IllegalArgument, codeFieldNotFound
		}
		return commonpb.ErrorCode_UnexpectedError, codeParameterInvalid
	case client.StatusAlreadyExists:
		if e.Kind == client.ObjectAlias {
			return commonpb.ErrorCode_UnexpectedError, codeAliasAlreadyExist
		}
		if e.Kind == client.ObjectIndex {
			return commonpb.ErrorCode_UnexpectedError, codeIndexDuplicate
		}
		return commonpb.ErrorCode_UnexpectedError, codeParameterInvalid
	case client.StatusInvalidArgument, client.StatusSchemaMismatch, client.StatusDuplicatePrimaryKey,
		client.StatusDimensionMismatch, client.StatusInvalidValue, client.StatusNullArgument:
		return commonpb.ErrorCode_IllegalArgument, codeParameterInvalid
	case client.StatusMissingField:
		return commonpb.ErrorCode_IllegalArgument, codeParameterMissing
	case client.StatusUnsupported, client.StatusUnsupportedFormat:
		return commonpb.ErrorCode_UnexpectedError, codeOperationUnsupported
	case client.StatusIO, client.StatusCorrupted:
		return commonpb.ErrorCode_UnexpectedError, codeIOFailed
	case client.StatusCancelled:
		return commonpb.ErrorCode_UnexpectedError, codeCanceled
	case client.StatusDeadlineExceeded:
		return commonpb.ErrorCode_UnexpectedError, codeTimeout
	}
	return commonpb.ErrorCode_UnexpectedError, codeUnexpected
}

// invalid is a Milvus "invalid parameter" status.
func invalid(reason string) *commonpb.Status {
	return &commonpb.Status{ErrorCode: commonpb.ErrorCode_IllegalArgument, Code: codeParameterInvalid, Reason: reason}
}

// unsupported is Milvus's "unsupported operation" status for something veclite does not do.
func unsupported(reason string) *commonpb.Status {
	return &commonpb.Status{ErrorCode: commonpb.ErrorCode_UnexpectedError, Code: codeOperationUnsupported,
		Reason: "veclite-server does not support " + reason}
}
