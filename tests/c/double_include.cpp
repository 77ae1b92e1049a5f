// The header compiles as C++ and survives double inclusion.
#include "veclite.h"
#include "veclite.h"

int main() {
    veclite_status status = VECLITE_STATUS_OK;
    veclite_error *err = nullptr;
    veclite_error_free(err);
    return static_cast<int>(status) + (veclite_version() == nullptr);
}
