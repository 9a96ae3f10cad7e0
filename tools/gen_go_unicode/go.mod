module kubectl-inject/tools/gen_go_unicode

go 1.26
