package client

/*
#include "veclite.h"
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
)

// Status is a veclite status code (VECLITE_STATUS_* in veclite.h).
type Status uint32

// Status codes, numbered as in veclite.h.
const (
	StatusOK                  Status = 0
	StatusNullArgument        Status = 1
	StatusInvalidArgument     Status = 2
	StatusNotFound            Status = 3
	StatusAlreadyExists       Status = 4
	StatusSchemaMismatch      Status = 5
	StatusIO                  Status = 6
	StatusCorrupted           Status = 7
	StatusUnsupportedFormat   Status = 8
	StatusLocked              Status = 9
	StatusClosed              Status = 10
	StatusPoisoned            Status = 11
	StatusPanic               Status = 12
	StatusDuplicatePrimaryKey Status = 13
	StatusDimensionMismatch   Status = 14
	StatusInvalidValue        Status = 15
	StatusMissingField        Status = 16
	StatusCancelled           Status = 17
	StatusDeadlineExceeded    Status = 18
	StatusUnsupported         Status = 19
)

// String returns the upper-case name of the status, e.g. "NOT_FOUND".
func (s Status) String() string { return C.GoString(C.veclite_status_name(C.uint32_t(s))) }

// ObjectKind is the kind of named object a not-found or already-exists error is about
// (VECLITE_OBJECT_* in veclite.h).
type ObjectKind uint32

// Object kinds, numbered as in veclite.h.
const (
	ObjectNone       ObjectKind = C.VECLITE_OBJECT_NONE
	ObjectCollection ObjectKind = C.VECLITE_OBJECT_COLLECTION
	ObjectPartition  ObjectKind = C.VECLITE_OBJECT_PARTITION
	ObjectField      ObjectKind = C.VECLITE_OBJECT_FIELD
	ObjectIndex      ObjectKind = C.VECLITE_OBJECT_INDEX
	ObjectAlias      ObjectKind = C.VECLITE_OBJECT_ALIAS
)

// Error is a failed veclite call: the C status code, its message (which names the
// collection, field, row and rule) and, for StatusNotFound / StatusAlreadyExists, the kind of
// object concerned. errors.Is matches it against the sentinel of its code (ErrNotFound,
// ErrDuplicatePrimaryKey, ...), against ErrCollectionNotExists{} / ErrPartitionNotExists{} for
// unknown collections / partitions, against ErrFeatureNotSupported for StatusUnsupported, and
// against context.Canceled / context.DeadlineExceeded for cancelled calls.
type Error struct {
	Code Status
	Msg  string
	// Kind is the object a StatusNotFound or StatusAlreadyExists error names; ObjectNone
	// otherwise.
	Kind ObjectKind
	// cause is the context error that made the call fail, if any.
	cause error
}

// Error returns the message followed by the status name.
func (e *Error) Error() string {
	if e.Msg == "" {
		return "veclite: " + e.Code.String()
	}
	return fmt.Sprintf("%s (%s)", e.Msg, e.Code)
}

// Unwrap returns the context error behind a cancelled or expired call.
func (e *Error) Unwrap() error { return e.cause }

// Is reports whether target is the sentinel of e's code (or a matching SDK error).
func (e *Error) Is(target error) bool {
	switch t := target.(type) {
	case *Error:
		return t.Code == e.Code
	case ErrCollectionNotExists, *ErrCollectionNotExists:
		return e.isNotFound(ObjectCollection)
	case ErrPartitionNotExists, *ErrPartitionNotExists:
		return e.isNotFound(ObjectPartition)
	}
	switch target {
	case context.Canceled:
		return e.Code == StatusCancelled
	case context.DeadlineExceeded:
		return e.Code == StatusDeadlineExceeded
	case ErrClientNotReady:
		return e.Code == StatusClosed
	case ErrFeatureNotSupported:
		return e.Code == StatusUnsupported
	}
	return false
}

// isNotFound reports whether e says an object of the given kind does not exist.
func (e *Error) isNotFound(kind ObjectKind) bool {
	return e.Code == StatusNotFound && e.Kind == kind
}

// Sentinels, one per status: errors.Is(err, ErrNotFound) holds for every *Error with that code.
var (
	ErrNullArgument        = &Error{Code: StatusNullArgument}
	ErrInvalidArgument     = &Error{Code: StatusInvalidArgument}
	ErrNotFound            = &Error{Code: StatusNotFound}
	ErrAlreadyExists       = &Error{Code: StatusAlreadyExists}
	ErrSchemaMismatch      = &Error{Code: StatusSchemaMismatch}
	ErrIO                  = &Error{Code: StatusIO}
	ErrCorrupted           = &Error{Code: StatusCorrupted}
	ErrUnsupportedFormat   = &Error{Code: StatusUnsupportedFormat}
	ErrLocked              = &Error{Code: StatusLocked}
	ErrClosed              = &Error{Code: StatusClosed}
	ErrPoisoned            = &Error{Code: StatusPoisoned}
	ErrPanic               = &Error{Code: StatusPanic}
	ErrDuplicatePrimaryKey = &Error{Code: StatusDuplicatePrimaryKey}
	ErrDimensionMismatch   = &Error{Code: StatusDimensionMismatch}
	ErrInvalidValue        = &Error{Code: StatusInvalidValue}
	ErrMissingField        = &Error{Code: StatusMissingField}
	ErrCancelled           = &Error{Code: StatusCancelled}
	ErrDeadlineExceeded    = &Error{Code: StatusDeadlineExceeded}
	ErrUnsupported         = &Error{Code: StatusUnsupported}
)

// Errors of milvus-sdk-go's client package.
var (
	// ErrClientNotReady matches calls on a closed client (as does ErrClosed).
	ErrClientNotReady = errors.New("client not ready")
	// ErrStatusNil exists for source compatibility; veclite never returns it.
	ErrStatusNil = errors.New("response status is nil")
	// ErrFeatureNotSupported is wrapped by every call or option veclite does not support
	// (index types other than FLAT, HNSW and IVF_FLAT, range search, partition keys, ...), and
	// matches every *Error of StatusUnsupported (those the library finds).
	ErrFeatureNotSupported = errors.New("feature not supported")
)

// ErrCollectionNotExists matches (errors.Is / errors.As) a call on an unknown collection.
type ErrCollectionNotExists struct {
	collName string
}

// Error implements error.
func (e ErrCollectionNotExists) Error() string {
	return fmt.Sprintf("collection %s does not exist", e.collName)
}

// ErrPartitionNotExists matches (errors.Is) a call on an unknown partition.
type ErrPartitionNotExists struct {
	collName     string
	paritionName string
}

// Error implements error.
func (e ErrPartitionNotExists) Error() string {
	return fmt.Sprintf("partition %s of collection %s does not exist", e.paritionName, e.collName)
}

// errFrom turns a failed C call into an *Error, copying the message and freeing err. ctx, when
// it has failed, becomes the cause of a cancelled or expired call.
func errFrom(st C.veclite_status, err *C.veclite_error, ctx context.Context) error {
	e := &Error{Code: Status(st)}
	if err != nil {
		e.Msg = C.GoString(C.veclite_error_message(err))
		e.Kind = ObjectKind(C.veclite_error_object_kind(err))
		C.veclite_error_free(err)
	}
	if e.Code == StatusCancelled || e.Code == StatusDeadlineExceeded {
		if ctx != nil && ctx.Err() != nil {
			e.cause = ctx.Err()
			if errors.Is(e.cause, context.DeadlineExceeded) {
				e.Code = StatusDeadlineExceeded
			} else {
				e.Code = StatusCancelled
			}
		}
	}
	return e
}

// ctxErr is the error of a call whose context failed before it reached C.
func ctxErr(err error) error {
	code := StatusCancelled
	if errors.Is(err, context.DeadlineExceeded) {
		code = StatusDeadlineExceeded
	}
	return &Error{Code: code, Msg: err.Error(), cause: err}
}

// newErr is an error found in Go before any C call.
func newErr(code Status, format string, args ...any) error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// notFound is the error of an unknown object of the given kind found in Go.
func notFound(kind ObjectKind, format string, args ...any) error {
	return &Error{Code: StatusNotFound, Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

var errClosed = &Error{Code: StatusClosed, Msg: "client is closed"}
