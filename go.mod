module github.com/nndiy/nndiy

go 1.26
