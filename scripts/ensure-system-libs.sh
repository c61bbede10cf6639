#!/usr/bin/env bash
# Qt's wheels need a few shared libraries from the system (EGL/GL, fontconfig, xkbcommon, dbus,
# the xcb libraries for a window), and the tests need Xvfb for their real-window journeys;
# a minimal Debian image may lack them. Install what is missing when we can (root + apt-get),
# otherwise say exactly what to install. Fonts are not needed: CrisisDesk ships its own.
set -u
need=()
check() { ldconfig -p 2>/dev/null | grep -q "$1" || need+=("$2"); }
check 'libEGL.so.1' libegl1
check 'libGL.so.1' libgl1
check 'libfontconfig.so.1' libfontconfig1
check 'libfreetype.so.6' libfreetype6
check 'libxkbcommon.so.0' libxkbcommon0
check 'libX11.so.6' libx11-6
check 'libglib-2.0.so.0' libglib2.0-0
check 'libdbus-1.so.3' libdbus-1-3
# The xcb platform plugin (a real window, `make run`): since Qt 6.5 it will not load without
# xcb-cursor, and it names the wrong cause ("reinstalling may fix this") when one is missing.
check 'libxcb-cursor.so.0' libxcb-cursor0
check 'libxcb-icccm.so.4' libxcb-icccm4
check 'libxcb-image.so.0' libxcb-image0
check 'libxcb-keysyms.so.1' libxcb-keysyms1
check 'libxcb-randr.so.0' libxcb-randr0
check 'libxcb-render-util.so.0' libxcb-render-util0
check 'libxcb-shape.so.0' libxcb-shape0
check 'libxcb-xinerama.so.0' libxcb-xinerama0
check 'libxcb-xkb.so.1' libxcb-xkb1
check 'libxkbcommon-x11.so.0' libxkbcommon-x11-0
# The journeys (tests/journeys/) run the app in a real X window on a virtual display.
command -v Xvfb >/dev/null 2>&1 || need+=(xvfb)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system libraries for Qt: ${need[*]}"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "Qt needs these system packages: ${need[*]} (install them with your package manager)" >&2
fi
