#!/bin/bash
# fail: db:seed
# bash: aborts
# Without errexit, an `&&` chain that ends the script: the failing task is the last command
# run, so the script exits with its status.
bin/rails db:migrate && bin/rails db:seed
