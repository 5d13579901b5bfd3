"""`make bench`: kline-pipeline measured against what a user would pick instead, on the same
machine in the same run. One module per benchmark; each writes bench/results/raw/<benchmark>.json
(the contract in bench/README.md) and scripts/bench-report.py turns them into latest.md and charts."""
