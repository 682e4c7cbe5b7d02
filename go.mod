module github.com/darray-go/darray

go 1.26
