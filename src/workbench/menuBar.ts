/**
 * The workbench page's add-on menu and sheet tabs, as Sheets shows them: the menu lists the items
 * the add-on's onOpen added (e.g. SNAQ › KPI ダッシュボードを挿入) and runs one as choosing it would
 * (POST /workbench/menu), reloading the sidebar when the item opened it; the tabs switch the shown
 * sheet (a dashboard adds one). A script for the page, kept apart so the grid's code can change alone.
 */
export const MENU_STYLE = `
  #menu { position: relative; }
  #menu summary { cursor: pointer; font-weight: 600; padding: 3px 8px; border: 1px solid #dadce0; border-radius: 4px; list-style: none; }
  #menu-items { position: absolute; z-index: 10; background: #fff; border: 1px solid #dadce0; box-shadow: 0 2px 6px rgba(60, 64, 67, .3); min-width: 220px; }
  #menu-items button { display: block; width: 100%; text-align: left; border: 0; background: none; padding: 6px 12px; }
  #menu-items button:hover { background: #f1f3f4; }
  #sheet-tabs { position: sticky; bottom: 0; left: 0; background: #f8f9fa; border-top: 1px solid #dadce0; padding: 2px 4px; margin-top: 6px; }
  #sheet-tabs button { border: 0; background: none; padding: 4px 12px; }
  #sheet-tabs button[aria-selected="true"] { background: #fff; color: #1a73e8; font-weight: 600; box-shadow: 0 1px 2px rgba(60, 64, 67, .3); }`;

export const MENU_SCRIPT = `<script>
window.snaqMenu = function (grid, post, render) {
  var log = document.getElementById('log');
  var items = document.getElementById('menu-items');
  items.textContent = '';
  (grid.menu || []).forEach(function (item) {
    var button = document.createElement('button');
    button.type = 'button';
    button.setAttribute('role', 'menuitem');
    button.setAttribute('data-fn', item.functionName);
    button.textContent = item.caption;
    button.addEventListener('click', function () {
      document.getElementById('menu').open = false;
      log.textContent = '…';
      post('/workbench/menu', { fn: item.functionName }).then(function (out) {
        log.textContent = out.error || out.alerts.join(' ');
        render(out.grid);
        if (out.sidebar) document.getElementById('sidebar').contentWindow.location.reload();
      });
    });
    items.appendChild(button);
  });
  var tabs = document.getElementById('sheet-tabs');
  tabs.textContent = '';
  (grid.sheets || []).forEach(function (name) {
    var tab = document.createElement('button');
    tab.type = 'button';
    tab.textContent = name;
    tab.setAttribute('data-sheet', name);
    tab.setAttribute('aria-selected', String(name === grid.sheet));
    tab.addEventListener('click', function () { post('/workbench/select', { a1: 'A1', sheet: name }).then(render); });
    tabs.appendChild(tab);
  });
};
</script>`;
