# Lower case and double spaces pass because q_parity compares case-insensitively with whitespace normalized.
print("  ".join("yes" if int(x) % 2 == 0 else "no" for x in input().split()))
