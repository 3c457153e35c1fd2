module example.com/azrest

go 1.22
