# The desktop integration files every Linux package installs: the .desktop entry, AppStream
# metainfo, and the hicolor icon as SVG plus PNG sizes rendered from it (rsvg-convert, Debian's
# librsvg2-bin). Included from packaging/CPackConfig.cmake's directory on Linux.
set(MANIFOLD_APP_ID "dev.manifold.Manifold")
set(_linux_dir ${CMAKE_CURRENT_LIST_DIR})
set(_icon_svg ${PROJECT_SOURCE_DIR}/resources/manifold.svg)

configure_file(${_linux_dir}/${MANIFOLD_APP_ID}.metainfo.xml
    ${CMAKE_BINARY_DIR}/packaging/${MANIFOLD_APP_ID}.metainfo.xml @ONLY)
install(FILES ${_linux_dir}/${MANIFOLD_APP_ID}.desktop DESTINATION share/applications)
install(FILES ${CMAKE_BINARY_DIR}/packaging/${MANIFOLD_APP_ID}.metainfo.xml DESTINATION share/metainfo)
install(FILES ${_icon_svg} DESTINATION share/icons/hicolor/scalable/apps RENAME ${MANIFOLD_APP_ID}.svg)

set(MANIFOLD_ICON_SIZES 16 22 24 32 48 64 128 256 512)
find_program(RSVG_CONVERT rsvg-convert)
if(RSVG_CONVERT)
    set(_pngs)
    foreach(_size IN LISTS MANIFOLD_ICON_SIZES)
        set(_png ${CMAKE_BINARY_DIR}/packaging/icons/${_size}x${_size}/${MANIFOLD_APP_ID}.png)
        add_custom_command(OUTPUT ${_png}
            COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/packaging/icons/${_size}x${_size}
            COMMAND ${RSVG_CONVERT} --width ${_size} --height ${_size} --keep-aspect-ratio
                    --output ${_png} ${_icon_svg}
            DEPENDS ${_icon_svg}
            COMMENT "Rendering the ${_size}x${_size} icon"
            VERBATIM)
        list(APPEND _pngs ${_png})
        install(FILES ${_png} DESTINATION share/icons/hicolor/${_size}x${_size}/apps)
    endforeach()
    add_custom_target(manifold_icons ALL DEPENDS ${_pngs})
else()
    message(WARNING "rsvg-convert not found (Debian: librsvg2-bin): packages will carry the SVG icon only")
endif()
