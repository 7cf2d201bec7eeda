# The WebAssembly kiosk: ImGui on WebGL2, fonts and shaders embedded, packaged into build/web.

set(IMGUI_DIR ${THIRD_PARTY}/imgui)
kiosk_require_file(${IMGUI_DIR}/imgui.cpp "Dear ImGui 1.86 sources")
kiosk_require_file(${IMGUI_DIR}/backends/imgui_impl_opengl3.cpp "Dear ImGui's OpenGL3 backend")
set(FONT_DIR /usr/share/fonts/truetype/noto)
kiosk_require_file(${FONT_DIR}/NotoSans-Regular.ttf "fonts-noto-core")
kiosk_require_file(${FONT_DIR}/NotoSans-Bold.ttf "fonts-noto-core")
set(PYTHON /usr/bin/python3)
execute_process(COMMAND ${PYTHON} -c "import fontTools.subset" RESULT_VARIABLE FONTTOOLS_MISSING
                OUTPUT_QUIET ERROR_QUIET)
if(FONTTOOLS_MISSING)
  message(FATAL_ERROR "Missing python3-fonttools (/usr/bin/python3 -m fontTools.subset): "
                      "run ./kiosk setup")
endif()

# The glyphs the UI needs (see src/ui/fonts.cpp); hinting and layout tables are not used by
# ImGui's rasterizer, so they are dropped to keep the download small.
set(FONT_UNICODES
    "U+0020-007E,U+00A0-017F,U+2013-2014,U+2018-201A,U+201C-201E,U+2022,U+2026,U+202F,U+20AC")
set(GEN_DIR ${CMAKE_BINARY_DIR}/generated)
file(MAKE_DIRECTORY ${GEN_DIR})
foreach(style Regular Bold)
  add_custom_command(
    OUTPUT ${GEN_DIR}/NotoSans-${style}.subset.ttf
    COMMAND ${PYTHON} -m fontTools.subset ${FONT_DIR}/NotoSans-${style}.ttf
            --unicodes=${FONT_UNICODES} --no-hinting --layout-features=
            --drop-tables+=GPOS,GSUB,GDEF
            --output-file=${GEN_DIR}/NotoSans-${style}.subset.ttf
    DEPENDS ${FONT_DIR}/NotoSans-${style}.ttf
    COMMENT "Subsetting Noto Sans ${style}")
endforeach()

add_custom_command(
  OUTPUT ${GEN_DIR}/embedded_assets.cpp ${GEN_DIR}/embedded_assets.hpp
  COMMAND ${PYTHON} ${CMAKE_SOURCE_DIR}/tools/embed.py ${GEN_DIR}/embedded_assets
          noto_regular=${GEN_DIR}/NotoSans-Regular.subset.ttf
          noto_bold=${GEN_DIR}/NotoSans-Bold.subset.ttf
          qr_vert=${CMAKE_SOURCE_DIR}/shaders/qr.vert
          qr_frag=${CMAKE_SOURCE_DIR}/shaders/qr.frag
  DEPENDS ${CMAKE_SOURCE_DIR}/tools/embed.py ${GEN_DIR}/NotoSans-Regular.subset.ttf
          ${GEN_DIR}/NotoSans-Bold.subset.ttf ${CMAKE_SOURCE_DIR}/shaders/qr.vert
          ${CMAKE_SOURCE_DIR}/shaders/qr.frag
  COMMENT "Embedding fonts and shaders")

# Emscripten's sysroot hides /usr/include; expose only the two header-only libraries we use.
set(SYSTEM_HEADERS ${CMAKE_BINARY_DIR}/system-headers)
file(MAKE_DIRECTORY ${SYSTEM_HEADERS})
foreach(lib nlohmann stb)
  file(CREATE_LINK /usr/include/${lib} ${SYSTEM_HEADERS}/${lib} SYMBOLIC)
endforeach()
target_include_directories(kiosk_core SYSTEM PUBLIC ${SYSTEM_HEADERS})

set(SIZE_FLAGS -Os -DNDEBUG -flto)
target_compile_options(kiosk_core PRIVATE ${SIZE_FLAGS})

add_executable(kiosk
  src/main.cpp
  src/platform/browser.cpp
  src/platform/input.cpp
  src/ui/fonts.cpp
  src/ui/frame.cpp
  src/ui/keyboard_view.cpp
  src/ui/qr_view.cpp
  src/ui/screens.cpp
  ${GEN_DIR}/embedded_assets.cpp
  ${IMGUI_DIR}/imgui.cpp
  ${IMGUI_DIR}/imgui_draw.cpp
  ${IMGUI_DIR}/imgui_tables.cpp
  ${IMGUI_DIR}/imgui_widgets.cpp
  ${IMGUI_DIR}/backends/imgui_impl_opengl3.cpp)
target_include_directories(kiosk PRIVATE src ${GEN_DIR} ${IMGUI_DIR} ${IMGUI_DIR}/backends)
# ImGui 1.86's OpenGL3 backend takes its ES2 path under Emscripten unless told otherwise.
target_compile_definitions(kiosk PRIVATE IMGUI_IMPL_OPENGL_ES3 IMGUI_DISABLE_DEMO_WINDOWS
                                         IMGUI_DISABLE_DEBUG_TOOLS
                                         IMGUI_DISABLE_FILE_FUNCTIONS)
target_compile_options(kiosk PRIVATE ${SIZE_FLAGS})
target_link_libraries(kiosk PRIVATE kiosk_core)
target_link_options(kiosk PRIVATE
  ${SIZE_FLAGS}
  -sMIN_WEBGL_VERSION=2 -sMAX_WEBGL_VERSION=2
  -sMALLOC=emmalloc -sENVIRONMENT=web -sFILESYSTEM=0
  -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=33554432
  -sEXPORTED_FUNCTIONS=_main,_malloc,_free,_kiosk_on_answer
  -sINCOMING_MODULE_JS_API=canvas,instantiateWasm,onAbort,onRuntimeInitialized,print,printErr
  -sTEXTDECODER=2)

# The static kiosk: index.html, a loader and the app, names hashed, .gz and .br beside them.
set(WEB_OUT ${CMAKE_SOURCE_DIR}/build/web)
file(GLOB WEB_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/web/*)
# Packaged again when the app or any file of web/ changes (a POST_BUILD step missed the latter).
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/web-packaged.stamp
  COMMAND ${PYTHON} ${CMAKE_SOURCE_DIR}/tools/package_web.py
          --js $<TARGET_FILE:kiosk> --wasm $<TARGET_FILE_DIR:kiosk>/kiosk.wasm
          --web ${CMAKE_SOURCE_DIR}/web --out ${WEB_OUT}
  COMMAND ${CMAKE_COMMAND} -E touch ${CMAKE_BINARY_DIR}/web-packaged.stamp
  DEPENDS kiosk ${WEB_SOURCES} ${CMAKE_SOURCE_DIR}/tools/package_web.py
  COMMENT "Packaging the kiosk into build/web")
add_custom_target(kiosk_web ALL DEPENDS ${CMAKE_BINARY_DIR}/web-packaged.stamp)
