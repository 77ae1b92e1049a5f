module github.com/veclite/veclite/bindings/go

go 1.24
