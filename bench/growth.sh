#!/bin/bash
# growth.sh runs the growth table of bench/README.md: 100k, 1M, 3M and 10M generated articles, built in one pass and
# article by article (go build -o scale ./bench/cmd/scale first; as root for the cold queries). About 1.5 hours.
for n in 100000 1000000 3000000 10000000; do
  for mode in bulk incr; do
    flag=""; [ $mode = bulk ] && flag="-bulk"
    q=10000
    echo "=== $n $mode $(date)" >> growth.log
    ./scale -n $n -no-text $flag -queries $q > growth-$n-$mode.out 2>&1
    tail -40 growth-$n-$mode.out | tr -d '\n ' >> growth.log; echo >> growth.log
  done
done
echo "=== done $(date)" >> growth.log
