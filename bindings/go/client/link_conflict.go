//go:build veclite_system && veclite_static

package client

// veclite_system (-lveclite) and veclite_static (pkg-config veclite-static) choose different
// libraries: the build stops here, naming the fix, instead of linking one of them silently.
var _ = veclite_system_and_veclite_static_exclude_each_other__build_with_one_of_the_tags
