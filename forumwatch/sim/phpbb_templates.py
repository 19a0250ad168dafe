# ruff: noqa: E501, W293
"""phpBB 3.3.15 prosilver page fragments, copied from real captures, as data.

``[[key]]`` is replaced once per site by the language pack; ``{name}`` is filled per page with
``str.format``. Session markers are filled last, per request: ``\\x01`` -> ``&amp;sid=...``,
``\\x02`` -> ``?sid=...``, ``\\x03`` -> the hidden ``sid`` form field, ``\\x04`` -> the escaped
``?sid=`` of the cron image; all four become empty for a client that sends the session cookie.
"""

from __future__ import annotations

HEADER = """<!DOCTYPE html>
<html dir="ltr" lang="[[html_lang]]">
<head>
<meta charset="utf-8" />
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1" />

<title>{title}</title>

	<link rel="alternate" type="application/atom+xml" title="[[feed]] - {board_title}" href="/app.php/feed\x02">			<link rel="alternate" type="application/atom+xml" title="[[feed_new_topics]]" href="/app.php/feed/topics\x02">{extra_feeds}
	<link rel="canonical" href="{canonical}">

<!--
	phpBB style name: prosilver
	Based on style:   prosilver (this is the default phpBB3 style)
	Original author:  Tom Beddard ( http://www.subBlue.com/ )
	Modified by:
-->

<link href="./assets/css/font-awesome.min.css?assets_version=1" rel="stylesheet">
<link href="./styles/prosilver/theme/stylesheet.css?assets_version=1" rel="stylesheet">
<link href="./styles/prosilver/theme/[[html_lang]]/stylesheet.css?assets_version=1" rel="stylesheet">




<!--[if lte IE 9]>
	<link href="./styles/prosilver/theme/tweaks.css?assets_version=1" rel="stylesheet">
<![endif]-->





</head>
<body id="phpbb" class="nojs notouch section-{section} ltr ">


<div id="wrap" class="wrap">
	<a id="top" class="top-anchor" accesskey="t"></a>
	<div id="page-header">
		<div class="headerbar" role="banner">
					<div class="inner">

			<div id="site-description" class="site-description">
		<a id="logo" class="logo" href="./index.php\x02" title="[[board_index]]">
					<span class="site_logo"></span>
				</a>
				<h1>{board_title}</h1>
				<p>{board_description}</p>
				<p class="skiplink"><a href="#start_here">[[skip]]</a></p>
			</div>

									<div id="search-box" class="search-box search-header" role="search">
				<form action="./search.php\x02" method="get" id="search">
				<fieldset>
					<input name="keywords" id="keywords" type="search" maxlength="128" title="[[search_keywords]]" class="inputbox search tiny" size="20" value="" placeholder="[[search_placeholder]]" />
					<button class="button button-search" type="submit" title="[[search]]">
						<i class="icon fa-search fa-fw" aria-hidden="true"></i><span class="sr-only">[[search]]</span>
					</button>
					<a href="./search.php\x02" class="button button-search-end" title="[[advanced_search]]">
						<i class="icon fa-cog fa-fw" aria-hidden="true"></i><span class="sr-only">[[advanced_search]]</span>
					</a>
					\x03
				</fieldset>
				</form>
			</div>
						
			</div>
					</div>
				<div class="navbar" role="navigation">
	<div class="inner">

	<ul id="nav-main" class="nav-main linklist" role="menubar">

		<li id="quick-links" class="quick-links dropdown-container responsive-menu" data-skip-responsive="true">
			<a href="#" class="dropdown-trigger">
				<i class="icon fa-bars fa-fw" aria-hidden="true"></i><span>[[quick_links]]</span>
			</a>
			<div class="dropdown">
				<div class="pointer"><div class="pointer-inner"></div></div>
				<ul class="dropdown-contents" role="menu">
					
											<li class="separator"></li>
																									<li>
								<a href="./search.php?search_id=unanswered\x01" role="menuitem">
									<i class="icon fa-file-o fa-fw icon-gray" aria-hidden="true"></i><span>[[unanswered]]</span>
								</a>
							</li>
							<li>
								<a href="./search.php?search_id=active_topics\x01" role="menuitem">
									<i class="icon fa-file-o fa-fw icon-blue" aria-hidden="true"></i><span>[[active_topics]]</span>
								</a>
							</li>
							<li class="separator"></li>
							<li>
								<a href="./search.php\x02" role="menuitem">
									<i class="icon fa-search fa-fw" aria-hidden="true"></i><span>[[search]]</span>
								</a>
							</li>
					
											<li class="separator"></li>
													<li>
								<a href="./memberlist.php\x02" role="menuitem">
									<i class="icon fa-group fa-fw" aria-hidden="true"></i><span>[[members]]</span>
								</a>
							</li>
																			<li>
								<a href="./memberlist.php?mode=team\x01" role="menuitem">
									<i class="icon fa-shield fa-fw" aria-hidden="true"></i><span>[[team]]</span>
								</a>
							</li>
																<li class="separator"></li>

									</ul>
			</div>
		</li>

				<li data-skip-responsive="true">
			<a href="/app.php/help/faq\x02" rel="help" title="[[faq_title]]" role="menuitem">
				<i class="icon fa-question-circle fa-fw" aria-hidden="true"></i><span>[[faq]]</span>
			</a>
		</li>
						
			<li class="rightside"  data-skip-responsive="true">
			<a href="./ucp.php?mode=login&amp;redirect={redirect}\x01" title="[[login]]" accesskey="x" role="menuitem">
				<i class="icon fa-power-off fa-fw" aria-hidden="true"></i><span>[[login]]</span>
			</a>
		</li>
					<li class="rightside" data-skip-responsive="true">
				<a href="./ucp.php?mode=register\x01" role="menuitem">
					<i class="icon fa-pencil-square-o  fa-fw" aria-hidden="true"></i><span>[[register]]</span>
				</a>
			</li>
						</ul>

	<ul id="nav-breadcrumbs" class="nav-breadcrumbs linklist navlinks" role="menubar">
				
		
		<li class="breadcrumbs" itemscope itemtype="https://schema.org/BreadcrumbList">

			
							<span class="crumb" itemtype="https://schema.org/ListItem" itemprop="itemListElement" itemscope><a itemprop="item" href="./index.php\x02" accesskey="h" data-navbar-reference="index"><i class="icon fa-home fa-fw"></i><span itemprop="name">[[board_index]]</span></a><meta itemprop="position" content="1" /></span>

			{crumbs}
					</li>

		
					<li class="rightside responsive-search">
				<a href="./search.php\x02" title="[[advanced_search_options]]" role="menuitem">
					<i class="icon fa-search fa-fw" aria-hidden="true"></i><span class="sr-only">[[search]]</span>
				</a>
			</li>
			</ul>

	</div>
</div>
	</div>

	
	<a id="start_here" class="anchor"></a>
	<div id="page-body" class="page-body" role="main">
		
		"""

CRUMB = """
								<span class="crumb" itemtype="https://schema.org/ListItem" itemprop="itemListElement" itemscope data-forum-id="{forum_id}"><a itemprop="item" href="./viewforum.php?f={forum_id}\x01"><span itemprop="name">{title}</span></a><meta itemprop="position" content="{position}" /></span>
							"""

FEED_FORUM = """		<link rel="alternate" type="application/atom+xml" title="[[feed]] - Forum - {title}" href="/app.php/feed/forum/{forum_id}\x02">"""
FEED_TOPIC = """	<link rel="alternate" type="application/atom+xml" title="[[feed]] - Topic - {title}" href="/app.php/feed/topic/{topic_id}\x02">"""

FOOTER = """			</div>


<div id="page-footer" class="page-footer" role="contentinfo">
	<div class="navbar" role="navigation">
	<div class="inner">

	<ul id="nav-footer" class="nav-footer linklist" role="menubar">
		<li class="breadcrumbs">
									<span class="crumb"><a href="./index.php\x02" data-navbar-reference="index"><i class="icon fa-home fa-fw" aria-hidden="true"></i><span>[[board_index]]</span></a></span>					</li>
		
				<li class="rightside">{all_times}</li>
							<li class="rightside">
				<a href="/app.php/user/delete_cookies\x02" data-ajax="true" data-refresh="true" role="menuitem">
					<i class="icon fa-trash fa-fw" aria-hidden="true"></i><span>[[delete_cookies]]</span>
				</a>
			</li>
							<li class="rightside" data-last-responsive="true">
					<a href="./memberlist.php\x02" title="[[view_members]]" role="menuitem">
						<i class="icon fa-group fa-fw" aria-hidden="true"></i><span>[[members]]</span>
					</a>
				</li>
												<li class="rightside" data-last-responsive="true">
				<a href="./memberlist.php?mode=team\x01" role="menuitem">
					<i class="icon fa-shield fa-fw" aria-hidden="true"></i><span>[[team]]</span>
				</a>
			</li>
							</ul>

	</div>
</div>

	<div class="copyright">
				<p class="footer-row">
			<span class="footer-copyright">[[powered]]</span>
		</p>
						<p class="footer-row" role="menu">
			<a class="footer-link" href="./ucp.php?mode=privacy\x01" title="[[privacy]]" role="menuitem">
				<span class="footer-link-text">[[privacy]]</span>
			</a>
			|
			<a class="footer-link" href="./ucp.php?mode=terms\x01" title="[[terms]]" role="menuitem">
				<span class="footer-link-text">[[terms]]</span>
			</a>
		</p>
					</div>

	<div id="darkenwrapper" class="darkenwrapper" data-ajax-error-title="AJAX error" data-ajax-error-text="Something went wrong when processing your request." data-ajax-error-text-abort="User aborted request." data-ajax-error-text-timeout="Your request timed out; please try again." data-ajax-error-text-parsererror="Something went wrong with the request and the server returned an invalid reply.">
		<div id="darken" class="darken">&nbsp;</div>
	</div>

	<div id="phpbb_alert" class="phpbb_alert" data-l-err="Error" data-l-timeout-processing-req="Request timed out.">
		<a href="#" class="alert_close">
			<i class="icon fa-times-circle fa-fw" aria-hidden="true"></i>
		</a>
		<h3 class="alert_title">&nbsp;</h3><p class="alert_text"></p>
	</div>
	<div id="phpbb_confirm" class="phpbb_alert">
		<a href="#" class="alert_close">
			<i class="icon fa-times-circle fa-fw" aria-hidden="true"></i>
		</a>
		<div class="alert_text"></div>
	</div>
</div>

</div>

<div>
	<a id="bottom" class="anchor" accesskey="z"></a>
	<img class="sr-only" aria-hidden="true" src="&#x2F;app.php&#x2F;cron&#x2F;cron.task.{cron}\x04" width="1" height="1" alt="">
</div>

<script src="./assets/javascript/jquery-3.7.1.min.js?assets_version=1"></script>
<script src="./assets/javascript/core.js?assets_version=1"></script>



<script src="./styles/prosilver/template/forum_fn.js?assets_version=1"></script>
<script src="./styles/prosilver/template/ajax.js?assets_version=1"></script>



</body>
</html>
"""

FORUMLIST_START = """
				<div class="forabg">
			<div class="inner">
			<ul class="topiclist">
				<li class="header">
										<dl class="row-item">
						<dt><div class="list-inner">{header}</div></dt>
						<dd class="topics">[[topics]]</dd>
						<dd class="posts">[[posts]]</dd>
						<dd class="lastpost"><span>[[last_post]]</span></dd>
					</dl>
									</li>
			</ul>
			<ul class="topiclist forums">
		"""

FORUMLIST_END = """
				</ul>

			</div>
		</div>
	"""

FORUM_ROW = """
	
			
					<li class="row">
						<dl class="row-item {row_class}">
				<dt title="[[no_unread]]">
										<div class="list-inner">
													<!--
								<a class="feed-icon-forum" title="[[feed]] - {title}" href="/app.php/feed/forum/{forum_id}\x02">
									<i class="icon fa-rss-square fa-fw icon-orange" aria-hidden="true"></i><span class="sr-only">[[feed]] - {title}</span>
								</a>
							-->
																		<a href="./viewforum.php?f={forum_id}\x01" class="forumtitle">{title}</a>
						<br />{description}{subforums}
												<div class="responsive-show" style="display: none;">
															[[topics]]: <strong>{topics}</strong>
													</div>
											</div>
				</dt>
									<dd class="topics">{topics} <dfn>[[topics]]</dfn></dd>
					<dd class="posts">{posts} <dfn>[[posts]]</dfn></dd>
					<dd class="lastpost">
						<span>
							{lastpost}
													</span>
					</dd>
							</dl>
					</li>
			"""

FORUM_LASTPOST = """
																<dfn>[[last_post]]</dfn>
																										<a href="./viewtopic.php?p={post_id}\x01#p{post_id}" title="{subject}" class="lastsubject">{short_subject}</a> <br />
																	[[by]] {poster}																	<a href="./viewtopic.php?p={post_id}\x01#p{post_id}" title="[[view_latest]]">
										<i class="icon fa-external-link-square fa-fw icon-lightgray icon-md" aria-hidden="true"></i><span class="sr-only">[[view_latest]]</span>
									</a>
																<br /><time datetime="{iso}">{date}</time>"""

SUBFORUM_LINK = """
															<a href="./viewforum.php?f={forum_id}\x01" class="subforum read" title="[[no_unread]]">
									<i class="icon fa-file-o fa-fw  icon-blue icon-md" aria-hidden="true"></i>{title}</a>"""

INDEX_CATEGORY_HEADER = """<a href="./viewforum.php?f={forum_id}\x01">{title}</a>"""

INDEX_TAIL = """

	<form method="post" action="./ucp.php?mode=login\x01" class="headerspace">
	<h3><a href="./ucp.php?mode=login&amp;redirect=index.php\x01">[[login]]</a>&nbsp; &bull; &nbsp;<a href="./ucp.php?mode=register\x01">[[register]]</a></h3>
		<fieldset class="quick-login">
			<label for="username"><span>[[username]]</span> <input type="text" tabindex="1" name="username" id="username" size="10" class="inputbox" title="Username" autocomplete="username" /></label>
			<label for="password"><span>[[password]]</span> <input type="password" tabindex="2" name="password" id="password" size="10" class="inputbox" title="Password" autocomplete="current-password" /></label>
										<span class="responsive-hide">|</span> <label for="autologin">[[remember]] <input type="checkbox" tabindex="4" name="autologin" id="autologin" /></label>
						<input type="submit" tabindex="5" name="login" value="[[login]]" class="button2" />
			<input type="hidden" name="redirect" value="./index.php\x02" />
<input type="hidden" name="creation_time" value="{now}" />
<input type="hidden" name="form_token" value="{form_token}" />

			
		</fieldset>
	</form>


	<div class="stat-block online-list">
		<h3><a href="./viewonline.php\x02">[[who_is_online]]</a></h3>		<p>
						{online}
				<br /><em>[[legend]]: <a style="color:#AA0000" href="./memberlist.php?mode=group&amp;g=5\x01">[[administrators]]</a>, <a style="color:#00AA00" href="./memberlist.php?mode=group&amp;g=4\x01">[[global_moderators]]</a></em>								</p>
	</div>


	<div class="stat-block birthday-list">
		<h3>[[birthdays]]</h3>
		<p>
						[[no_birthdays]]					</p>
	</div>

	<div class="stat-block statistics">
		<h3>[[statistics]]</h3>
		<p>
						{statistics}
					</p>
	</div>

"""
