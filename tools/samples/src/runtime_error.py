# Fails on the second testcase: n = 0 divides by zero (ZeroDivisionError, NZEC).
n = int(input())
numbers = list(map(int, input().split()))
print(sum(numbers) // n)
