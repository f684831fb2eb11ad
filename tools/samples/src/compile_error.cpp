#include <iostream>

int main() {
    long long x = 0;
    std::cin >> x
    std::cout << x * x << '\n';  // the line above lacks its semicolon
    return 0;
}
