//go:build cgo

package client

// WithDatabaseProperty sets property key of the database CreateDatabase creates (kept in the
// catalog and returned by DescribeDatabase; a key veclite cannot honour is refused as
// AlterDatabase refuses it). A key given twice keeps the last value, as in the SDK.
func WithDatabaseProperty(key, value string) CreateDatabaseOption {
	return func(req *databaseRequest) {
		if req.properties == nil {
			req.properties = make(map[string]string)
		}
		req.properties[key] = value
	}
}
