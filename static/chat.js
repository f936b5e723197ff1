// Starts the official Web Chat on this page, against this app's own Direct Line endpoint.
(function () {
  'use strict';

  var EXPIRED_TOKEN = 3; // botframework-directlinejs ConnectionStatus values
  var ENDED = 5;
  var root = document.getElementById('webchat');
  var domain = window.location.origin + '/v3/directline';

  // A token for the user's conversation: the server knows the user (SSO header or this browser's cookie).
  function fetchToken() {
    return window.fetch(domain + '/tokens/generate', {
      method: 'POST',
      credentials: 'same-origin'
    }).then(function (response) {
      if (!response.ok) {
        throw new Error('token request failed: ' + response.status);
      }
      return response.json();
    });
  }

  function showFailure() {
    var notice = document.createElement('p');
    notice.className = 'notice';
    notice.setAttribute('role', 'alert');
    notice.textContent = root.dataset.startFailed;
    root.replaceChildren(notice);
  }

  // A phone that slept past the token's life gets a new token; a pruned conversation, a new page.
  function keepConnected(directLine) {
    directLine.connectionStatus$.subscribe(function (status) {
      if (status === EXPIRED_TOKEN) {
        fetchToken().then(function (grant) {
          directLine.reconnect({ token: grant.token });
        }, showFailure);
      } else if (status === ENDED) {
        window.location.reload();
      }
    });
  }

  fetchToken().then(function (grant) {
    var directLine = window.WebChat.createDirectLine({
      token: grant.token,
      domain: domain,
      webSocket: false
    });
    keepConnected(directLine);
    window.WebChat.renderWebChat({
      directLine: directLine,
      locale: 'sv-SE',
      styleOptions: {
        hideUploadButton: true,
        suggestedActionLayout: 'flow',
        bubbleBorderRadius: 12,
        bubbleFromUserBorderRadius: 12,
        bubbleFromUserBackground: '#e3eef7',
        accent: '#00538a',
        primaryFont: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'
      }
    }, root);
  }, showFailure);
}());
