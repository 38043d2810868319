"""Schedule-Free AdamW and SGD, transcribed from facebookresearch/schedule_free
(schedulefree/adamw_schedulefree.py, schedulefree/sgd_schedulefree.py @ 70785b5), the
non-closure train/eval variants, single-tensor path (foreach=False: torch 1.13 has no
torch._foreach_lerp_). Arithmetic order is the authors'. Closure support and the foreach
path are left out."""
import torch


def _weights(group):
    """The authors' per-step schedule: warmup, lr_max, weight and ckp1 (group scalars)."""
    k = group['k']
    warmup_steps = group['warmup_steps']
    if k < warmup_steps:
        sched = (k + 1) / warmup_steps
    else:
        sched = 1.0
    lr = group['lr'] * sched
    group['scheduled_lr'] = lr
    lr_max = group['lr_max'] = max(lr, group['lr_max'])
    weight = ((k + 1) ** group['r']) * (lr_max ** group['weight_lr_power'])
    weight_sum = group['weight_sum'] = group['weight_sum'] + weight
    try:
        ckp1 = weight / weight_sum
    except ZeroDivisionError:
        ckp1 = 0
    group['ckp1'] = ckp1  # not stored by the authors; kept for the fixture
    return lr, ckp1


class AdamWScheduleFree(torch.optim.Optimizer):
    def __init__(self, params, lr=0.0025, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 warmup_steps=0, r=0.0, weight_lr_power=2.0, inner_momentum=0.0):
        defaults = dict(lr=lr, betas=betas, eps=eps, r=r, k=0, warmup_steps=warmup_steps,
                        train_mode=False, weight_sum=0.0, lr_max=-1.0, scheduled_lr=0.0,
                        weight_lr_power=weight_lr_power, weight_decay=weight_decay,
                        inner_momentum=inner_momentum)
        super().__init__(params, defaults)

    @torch.no_grad()
    def eval(self):
        for group in self.param_groups:
            beta1, _ = group['betas']
            if group['train_mode']:
                for p in group['params']:
                    state = self.state[p]
                    if 'z' in state:
                        p.lerp_(end=state['z'], weight=1 - 1 / beta1)  # p: y -> x
                group['train_mode'] = False

    @torch.no_grad()
    def train(self):
        for group in self.param_groups:
            beta1, _ = group['betas']
            if not group['train_mode']:
                for p in group['params']:
                    state = self.state[p]
                    if 'z' in state:
                        p.lerp_(end=state['z'], weight=1 - beta1)  # p: x -> y
                group['train_mode'] = True

    @torch.no_grad()
    def step(self):
        if not self.param_groups[0]['train_mode']:
            raise Exception("Optimizer was not in train mode when step is called.")
        for group in self.param_groups:
            eps = group['eps']
            beta1, beta2 = group['betas']
            decay = group['weight_decay']
            k = group['k']
            inner_momentum = group['inner_momentum']
            bias_correction2 = 1 - beta2 ** (k + 1)
            if inner_momentum != 0:
                bias_correction1 = 1 - inner_momentum ** (k + 1)
            lr, ckp1 = _weights(group)

            active_p = [p for p in group['params'] if p.grad is not None]
            for p in active_p:
                if 'z' not in self.state[p]:
                    self.state[p]['z'] = torch.clone(p, memory_format=torch.preserve_format)
                    self.state[p]['exp_avg_sq'] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    if inner_momentum != 0:
                        self.state[p]['exp_avg'] = torch.zeros_like(p, memory_format=torch.preserve_format)

            for p in active_p:
                y = p
                grad = p.grad
                state = self.state[p]
                z = state['z']
                exp_avg_sq = state['exp_avg_sq']
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                denom = exp_avg_sq.div(bias_correction2).sqrt_().add_(eps)
                if inner_momentum != 0:
                    exp_avg = state['exp_avg']
                    exp_avg.mul_(inner_momentum).add_(grad, alpha=1 - inner_momentum)
                    grad_normalized = exp_avg.div(bias_correction1).div_(denom)
                else:
                    grad_normalized = grad.div_(denom)
                if decay != 0:
                    grad_normalized.add_(y, alpha=decay)  # weight decay at y
                y.lerp_(end=z, weight=ckp1)
                y.add_(grad_normalized, alpha=lr * (beta1 * (1 - ckp1) - 1))
                z.sub_(grad_normalized, alpha=lr)
            group['k'] = k + 1


class SGDScheduleFree(torch.optim.Optimizer):
    def __init__(self, params, lr=1.0, momentum=0.9, weight_decay=0, warmup_steps=0, r=0.0,
                 weight_lr_power=2):
        if momentum <= 0 or momentum >= 1:
            raise ValueError("Momentum must be between 0 and 1 exclusive: {}".format(momentum))
        defaults = dict(lr=lr, momentum=momentum, r=r, k=0, warmup_steps=warmup_steps,
                        train_mode=False, weight_sum=0.0, lr_max=-1.0, scheduled_lr=0.0,
                        weight_lr_power=weight_lr_power, weight_decay=weight_decay)
        super().__init__(params, defaults)

    @torch.no_grad()
    def eval(self):
        for group in self.param_groups:
            momentum = group['momentum']
            if group['train_mode']:
                for p in group['params']:
                    state = self.state[p]
                    if 'z' in state:
                        p.lerp_(end=state['z'], weight=1 - 1 / momentum)
                group['train_mode'] = False

    @torch.no_grad()
    def train(self):
        for group in self.param_groups:
            momentum = group['momentum']
            if not group['train_mode']:
                for p in group['params']:
                    state = self.state[p]
                    if 'z' in state:
                        p.lerp_(end=state['z'], weight=1 - momentum)
                group['train_mode'] = True

    @torch.no_grad()
    def step(self):
        if not self.param_groups[0]['train_mode']:
            raise Exception("Optimizer was not in train mode when step is called.")
        for group in self.param_groups:
            momentum = group['momentum']
            weight_decay = group['weight_decay']
            k = group['k']
            lr, ckp1 = _weights(group)
            active_p = [p for p in group['params'] if p.grad is not None]
            for p in active_p:
                if 'z' not in self.state[p]:
                    self.state[p]['z'] = torch.clone(p, memory_format=torch.preserve_format)
            for p in active_p:
                y = p
                grad = p.grad
                z = self.state[p]['z']
                if weight_decay != 0:
                    grad.add_(y, alpha=weight_decay)
                y.lerp_(end=z, weight=ckp1)
                y.add_(grad, alpha=lr * (momentum * (1 - ckp1) - 1))
                z.sub_(grad, alpha=lr)
            group['k'] = k + 1
