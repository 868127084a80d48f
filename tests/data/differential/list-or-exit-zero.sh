#!/bin/bash
# fail: db:migrate
# bash: continues
# `|| exit 0` stops the script but reports success: the failure is swallowed (the deploy
# pipeline that runs this script goes on).
bin/rails db:migrate || exit 0
echo MARK-after >> "$HOME/trace"
