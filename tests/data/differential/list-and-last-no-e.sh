#!/bin/bash
# fail: db:migrate
# bash: continues
# Same list without errexit: the script goes on.
[ -d bin ] && bin/rails db:migrate
echo MARK-after >> "$HOME/trace"
