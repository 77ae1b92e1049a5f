//go:build cgo

package client

import (
	"fmt"
	"strings"

	"github.com/veclite/veclite/bindings/go/entity"
)

// WithForTuning is the SDK's tuning-mode search option; Search and Query refuse it
// (ErrFeatureNotSupported).
func WithForTuning() SearchQueryOptionFunc {
	return func(option *SearchQueryOption) { option.ForTuning = true }
}

// PKs2Expr returns the filter `pk in [...]` selecting the keys of ids (an Int64 or VarChar
// column), pk being the column's name or backName when it has none; "" for other columns.
func PKs2Expr(backName string, ids entity.Column) string {
	pkName := ids.Name()
	if pkName == "" {
		pkName = backName
	}
	switch col := ids.(type) {
	case *entity.ColumnInt64:
		return fmt.Sprintf("%s in %s", pkName, strings.Join(strings.Fields(fmt.Sprint(col.Data())), ","))
	case *entity.ColumnVarChar:
		quoted := make([]string, len(col.Data()))
		escape := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
		for i, s := range col.Data() {
			quoted[i] = `"` + escape.Replace(s) + `"`
		}
		return fmt.Sprintf("%s in [%s]", pkName, strings.Join(quoted, ","))
	}
	return ""
}
